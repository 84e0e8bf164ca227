import { createGmailClient } from '#lib/gmail/client';
import { listLabels } from '#lib/gmail/labels';
import { type Action, apiHandler } from '#lib/http/api-handler';
import { operations } from '#lib/operations';

/** The user's labels. */
export const run: Action<typeof operations.list_labels> = async ({ credentials, config }) => ({
  labels: await listLabels(createGmailClient(credentials, config)),
});

export const handler = apiHandler(operations.list_labels, run);
