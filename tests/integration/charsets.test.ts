import { describe, expect, it } from 'vitest';
import type { CreatedUser } from '../../emulator/control-client.ts';
import { INLINE_BODY_BYTES } from '../../emulator/gmail-format.ts';
import { emulator, newUser, post } from '../support/api.ts';
import { CHARSET_SAMPLES, type CharsetMail, charsetSource, encodeText } from '../support/charsets.ts';

/**
 * Issue 17: mail in every common charset reads as the sender wrote it, through each operation
 * that shows mail text. One mail per charset and transfer encoding, one per charset holding
 * UTF-8 declared as ISO-8859-1, and one per charset with a text part past Gmail's inline
 * size (read by attachment id as its original bytes); each carries its subject and sender's
 * name as encoded words in its charset and a text file in the same charset.
 */

type Listed = { message_id: string; subject: string; from_name: string; body: string };

/** A body repeated until it is past the size Gmail inlines in format=full. */
function largeBody(text: string, charset: string): string {
  const line = `${text}\n`;
  const times = Math.ceil((INLINE_BODY_BYTES + 1024) / encodeText(line, charset).length);
  return line.repeat(times).trimEnd();
}

const MAILS: CharsetMail[] = CHARSET_SAMPLES.flatMap((sample, index) => {
  const short = `c${String(index).padStart(2, '0')}`;
  const own = { sample, declared: sample.charset, bytesIn: sample.charset };
  return [
    ...sample.transfers.map((transfer) => ({ ...own, tag: `${short}-${transfer}`, transfer, body: sample.text })),
    {
      ...own,
      tag: `${short}-mislabelled`,
      transfer: '8bit',
      declared: 'ISO-8859-1',
      bytesIn: 'UTF-8',
      body: sample.text,
    },
    { ...own, tag: `${short}-large`, transfer: 'base64', body: largeBody(sample.text, sample.charset) },
  ];
});
// One large part of UTF-8 declared ISO-8859-1: fetched by id, it comes as those bytes.
const mislabelledLarge = CHARSET_SAMPLES.find((sample) => sample.charset === 'Windows-1252');
if (mislabelledLarge) {
  MAILS.push({
    sample: mislabelledLarge,
    tag: 'mislabelled-large',
    transfer: 'base64',
    declared: 'ISO-8859-1',
    bytesIn: 'UTF-8',
    body: largeBody(mislabelledLarge.text, 'utf-8'),
  });
}

const isLarge = (mail: CharsetMail) => mail.body.length > mail.sample.text.length;

/** Every page of a listing operation, followed by next_page_token. */
async function listAll(user: CreatedUser, path: string, body: Record<string, unknown>): Promise<Listed[]> {
  const emails: Listed[] = [];
  let pageToken: string | null = null;
  do {
    const answer = await post(path, { token: user.token, body: { ...body, limit: 100, page_token: pageToken } });
    expect(answer.status, answer.text).toBe(200);
    emails.push(...answer.json.emails);
    pageToken = answer.json.next_page_token;
  } while (pageToken);
  return emails;
}

/** Runs `work` on each item, `width` at a time (serverless-offline shares 2 cores with others). */
async function eachLimited<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>) {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
    }),
  );
}

/** What a mail's text should read as where it may be cut: the whole, or a prefix of the large ones. */
function checkText(problems: string[], mail: CharsetMail, where: string, got: string | undefined) {
  const ok = isLarge(mail) ? Boolean(got && got.length >= 500 && mail.body.startsWith(got)) : got === mail.body;
  if (!ok) problems.push(`${mail.tag} ${where}: ${JSON.stringify(got?.slice(0, 80))}`);
}

function checkHeaders(problems: string[], mail: CharsetMail, where: string, listed: Listed | undefined) {
  if (listed?.subject !== `${mail.tag} ${mail.sample.text}`)
    problems.push(`${mail.tag} ${where} subject: ${listed?.subject}`);
  if (listed?.from_name !== mail.sample.name) problems.push(`${mail.tag} ${where} from_name: ${listed?.from_name}`);
}

describe('mail in every common charset', () => {
  it(`reads ${MAILS.length} mails as their senders wrote them in every operation that shows mail text`, async () => {
    const user = await newUser();
    const ids = new Map<string, string>();
    await eachLimited(MAILS, 6, async (mail) => {
      const raw = charsetSource(user.email, mail);
      const seeded = await emulator.seedMessage({ email: user.email, rawBase64: raw.toString('base64') });
      ids.set(seeded.id, mail.tag);
    });
    const byId = (id: string) => MAILS.find((mail) => mail.tag === ids.get(id));
    const problems: string[] = [];

    for (const [where, emails] of [
      ['get_unread_emails', await listAll(user, '/api/email/unread', {})],
      ['search_emails', await listAll(user, '/api/email/search', { query: 'from:example.net' })],
    ] as const) {
      expect(new Set(emails.map((email) => ids.get(email.message_id))).size, where).toBe(MAILS.length);
      for (const email of emails) {
        const mail = byId(email.message_id);
        if (!mail) continue;
        checkHeaders(problems, mail, where, email);
        checkText(problems, mail, where, email.body);
      }
    }

    await eachLimited([...ids.keys()], 4, async (id) => {
      const mail = byId(id);
      if (!mail) return;
      const read = await post('/api/email/read', { token: user.token, body: { message_id: id } });
      expect(read.status, read.text).toBe(200);
      const [message] = read.json.messages;
      checkHeaders(problems, mail, 'read_email', message);
      checkText(problems, mail, 'read_email', message.body);
      const [file] = message.attachments;
      const attachment = await post('/api/email/attachment', {
        token: user.token,
        body: { message_id: id, attachment_id: file.attachment_id },
      });
      if (file.filename !== `${mail.tag}.txt` || attachment.json.text !== mail.sample.text) {
        problems.push(`${mail.tag} get_attachment ${file.filename}: ${JSON.stringify(attachment.json.text)}`);
      }
    });

    expect(problems).toEqual([]);
  });
});
