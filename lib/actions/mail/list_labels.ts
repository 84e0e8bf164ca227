import { createGmailClient } from '../../gmail/client.ts';
import { listLabels } from '../../gmail/labels.ts';
import type { Action } from '../../http/api-handler.ts';
import { operations } from '../../operations.ts';
import { gmailAction } from './gmail-action.ts';

/** The user's labels. */
export const list_labels: Action<typeof operations.list_labels> = gmailAction(
  operations.list_labels,
  async ({ credentials, config }) => ({
    labels: await listLabels(createGmailClient(credentials, config)),
  }),
);
