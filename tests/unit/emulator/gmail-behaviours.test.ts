import { describe, expect, it } from 'vitest';
import { INLINE_BODY_BYTES } from '../../../emulator/gmail-format.ts';
import { CHARSET_SAMPLES, encodedWords, encodeText, transferEncode } from '../../support/charsets.ts';
import { mail, multipartBody } from '../../support/hostile-mail.ts';
import { failureOf, gmailFor, useEmulator } from './support.ts';

/** One test per behaviour listed in emulator/GMAIL-BEHAVIOURS.md, numbered as there. */

let token: string;
let otherToken: string;
const google = useEmulator(async (control) => {
  ({ token } = await control.createUser({ email: 'reader@example.com' }));
  ({ token: otherToken } = await control.createUser({ email: 'other@example.com' }));
});
const client = (as = token) => gmailFor(google.url, { access_token: as });

const windows1252 = CHARSET_SAMPLES.find((sample) => sample.charset === 'Windows-1252');
const shiftJis = CHARSET_SAMPLES.find((sample) => sample.charset === 'Shift_JIS');
const TEXT = windows1252?.text ?? '';
const JAPANESE = shiftJis?.text ?? '';

/** A source of latin1 characters (one per byte) with a text/plain body in `charset`. */
function textMail(charset: string, body: Buffer, extraPartHeaders: string[] = [], subject = 'Text'): Buffer {
  const source = mail(
    [
      'From: sender@example.net',
      'To: reader@example.com',
      `Subject: ${subject}`,
      'MIME-Version: 1.0',
      `Content-Type: text/plain; charset=${charset}`,
      'Content-Transfer-Encoding: base64',
      ...extraPartHeaders,
    ],
    transferEncode(body, 'base64'),
  );
  return Buffer.from(source, 'latin1');
}

async function seed(raw: Buffer, email = 'reader@example.com') {
  return google.control.seedMessage({ email, rawBase64: raw.toString('base64') });
}

async function full(id: string, as = token) {
  const { data } = await client(as).users.messages.get({ userId: 'me', id, format: 'full' });
  return data;
}

const contentType = (headers: Array<{ name?: string | null; value?: string | null }> | undefined) =>
  headers?.find((header) => header.name === 'Content-Type')?.value;

describe('emulator/GMAIL-BEHAVIOURS.md', () => {
  it('1: format=full gives a text part as UTF-8 under its declared charset', async () => {
    const { id } = await seed(textMail('windows-1252', encodeText(TEXT, 'windows-1252')));
    const { payload } = await full(id);
    expect(Buffer.from(payload?.body?.data ?? '', 'base64url').toString('utf8')).toBe(TEXT);
    expect(contentType(payload?.headers)).toBe('text/plain; charset=windows-1252');
  });

  it('2: a mislabelled part (UTF-8 declared ISO-8859-1) comes as that UTF-8', async () => {
    const { id } = await seed(textMail('ISO-8859-1', Buffer.from(TEXT, 'utf8')));
    const { payload } = await full(id);
    expect(Buffer.from(payload?.body?.data ?? '', 'base64url').toString('utf8')).toBe(TEXT);
  });

  it('3: parts past 256 KiB and files come by attachment id; a part of exactly 256 KiB inline', async () => {
    const boundary = 'b';
    const part = (bytes: number, headers: string[] = []) => ({
      headers: ['Content-Type: text/plain; charset=us-ascii', ...headers],
      content: 'a'.repeat(bytes),
    });
    const raw = mail(
      [
        'From: s@example.net',
        'To: reader@example.com',
        'Subject: Sizes',
        `Content-Type: multipart/mixed; boundary=${boundary}`,
      ],
      multipartBody(boundary, [
        part(INLINE_BODY_BYTES),
        part(INLINE_BODY_BYTES + 1),
        part(10, ['Content-Disposition: attachment; filename="small.txt"']),
      ]),
    );
    expect(INLINE_BODY_BYTES).toBe(256 * 1024);
    const { payload } = await full((await seed(Buffer.from(raw, 'latin1'))).id);
    const [inline, large, file] = payload?.parts ?? [];
    expect(inline?.body).toEqual({ size: INLINE_BODY_BYTES, data: expect.any(String) });
    for (const [byId, size] of [
      [large, INLINE_BODY_BYTES + 1],
      [file, 10],
    ] as const) {
      expect(byId?.body).toEqual({ size, attachmentId: expect.any(String) });
    }
  });

  it('4: attachments.get gives a large text part as its original bytes', async () => {
    const original = encodeText(`${JAPANESE}\n`.repeat(Math.ceil(INLINE_BODY_BYTES / 30)), 'shift_jis');
    const { id } = await seed(textMail('Shift_JIS', original));
    const { payload } = await full(id);
    const attachmentId = payload?.body?.attachmentId ?? '';
    const { data } = await client().users.messages.attachments.get({ userId: 'me', messageId: id, id: attachmentId });
    expect(Buffer.from(data.data ?? '', 'base64url').equals(original)).toBe(true);
  });

  it('5: header values come with RFC 2047 words decoded', async () => {
    const subject = encodedWords(TEXT, 'Windows-1252', 'Q');
    const { id } = await seed(textMail('utf-8', Buffer.from('x'), [], subject));
    const { payload } = await full(id);
    expect(payload?.headers?.find((header) => header.name === 'Subject')?.value).toBe(TEXT);
  });

  it('6: format=raw gives the source byte for byte', async () => {
    const raw = textMail('Shift_JIS', encodeText(JAPANESE, 'shift_jis'));
    const { id } = await seed(raw);
    const { data } = await client().users.messages.get({ userId: 'me', id, format: 'raw' });
    expect(Buffer.from(data.raw ?? '', 'base64url').equals(raw)).toBe(true);
  });

  it("7: batchModify answers an empty body, skips another account's id, and takes at most 1,000 ids", async () => {
    const own = await seed(textMail('utf-8', Buffer.from('mine')));
    const foreign = await seed(textMail('utf-8', Buffer.from('theirs')), 'other@example.com');
    const answer = await client().users.messages.batchModify({
      userId: 'me',
      requestBody: { ids: [own.id, foreign.id], removeLabelIds: ['UNREAD'] },
    });
    expect(answer.status).toBe(204);
    expect(answer.data).toBeFalsy();
    expect((await full(own.id)).labelIds).toEqual(['INBOX']);
    expect((await full(foreign.id, otherToken)).labelIds).toEqual(['INBOX', 'UNREAD']);
    const tooMany = await failureOf(
      client().users.messages.batchModify({
        userId: 'me',
        requestBody: { ids: Array.from({ length: 1001 }, (_, i) => `id${i}`), removeLabelIds: ['UNREAD'] },
      }),
    );
    expect(tooMany.status).toBe(400);
  });

  it('8: threads.modify answers 404 for a thread not in the mailbox', async () => {
    const foreign = await seed(textMail('utf-8', Buffer.from('theirs')), 'other@example.com');
    const failure = await failureOf(
      client().users.threads.modify({ userId: 'me', id: foreign.threadId, requestBody: { addLabelIds: ['STARRED'] } }),
    );
    expect(failure.status).toBe(404);
    expect((await full(foreign.id, otherToken)).labelIds).toEqual(['INBOX', 'UNREAD']);
  });
});
