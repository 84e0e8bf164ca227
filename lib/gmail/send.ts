import { BrokerError } from '../errors.ts';
import { recipientList } from '../schemas/common.ts';
import type { SendEmailRequest } from '../schemas/email.ts';
import type { GmailClient } from './client.ts';
import { composeMessage } from './compose.ts';
import { type GmailOperationOptions, operationSignal } from './deadline.ts';
import { countedSend, gmailCall } from './errors.ts';

/**
 * Above this many bytes of RFC 822 the message goes through the media upload endpoint:
 * `{raw}` grows by 4/3 in base64url and JSON bodies are reported capped near 1 MB, while
 * uploads take 35 MB.
 */
export const UPLOAD_THRESHOLD_BYTES = 900 * 1024;

/**
 * A send may take longer than a read (uploads); it is never retried, so one generous
 * attempt, still inside the operation's deadline.
 */
export const SEND_TIMEOUT_MS = 20_000;

/** Gmail's ids for a sent message. */
export interface SentMessage {
  message_id: string;
  thread_id: string;
}

/**
 * Sends an already built RFC 822 message, in `threadId` when given. Small messages go as
 * `{raw}` JSON, large ones through the upload endpoint (at the client's own root URL, so the
 * emulator or a proxy receives it too), byte for byte. POST: never retried.
 */
export async function sendRaw(
  gmail: GmailClient,
  raw: Buffer,
  threadId?: string | null,
  options: GmailOperationOptions = {},
): Promise<SentMessage> {
  const signal = operationSignal(options);
  const thread = threadId ? { threadId } : {};
  const response = await countedSend(() =>
    gmailCall({}, () => {
      if (raw.length <= UPLOAD_THRESHOLD_BYTES) {
        return gmail.users.messages.send(
          { userId: 'me', requestBody: { raw: raw.toString('base64url'), ...thread } },
          { signal, timeout: SEND_TIMEOUT_MS },
        );
      }
      return gmail.users.messages.send(
        {
          userId: 'me',
          ...(threadId ? { requestBody: thread } : {}),
          media: { mimeType: 'message/rfc822', body: raw },
        },
        { signal, timeout: SEND_TIMEOUT_MS },
      );
    }),
  );
  const { id, threadId: sentThreadId } = response.data;
  if (!id) throw new BrokerError('upstream_error', 'Gmail accepted the message but returned no id.');
  return { message_id: id, thread_id: sentThreadId ?? threadId ?? id };
}

/**
 * Sends a new mail from the signed-in user's account (`from` only when the caller knows
 * the address; Gmail fills in the account's own otherwise).
 */
export async function sendEmail(
  gmail: GmailClient,
  input: SendEmailRequest,
  from?: string,
  options: GmailOperationOptions = {},
): Promise<SentMessage> {
  const raw = await composeMessage({
    from: from ?? null,
    to: recipientList(input.to),
    cc: recipientList(input.cc),
    bcc: recipientList(input.bcc),
    subject: input.subject,
    body: input.body,
    html: input.html,
    attachments: input.attachments,
  });
  return sendRaw(gmail, raw, null, options);
}
