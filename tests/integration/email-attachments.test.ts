import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_LINKED_FILE_BYTES } from '#lib/gmail/file-refs';
import { emulator, newUser, post } from '../support/api.ts';
import { type FileServer, startFileServer } from '../support/file-server.ts';
import { receive, receiveOriginal, sendToSelf } from '../support/mailbox.ts';

const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(40_000)]);
const png = randomBytes(5_000);
const notes = Buffer.from('Agenda\n1. Budget\n2. Hiring — ünïcödé\n', 'utf8');

let files: FileServer;

beforeAll(async () => {
  files = await startFileServer(
    { '/deck.pdf': pdf, '/big.bin': Buffer.alloc(MAX_LINKED_FILE_BYTES + 1), '/photo.png': png, '/cut.pdf': pdf },
    { '/moved': 'https://evil.example.net/deck.pdf', '/elsewhere': '/deck.pdf' },
    ['/cut.pdf'],
  );
});

afterAll(async () => {
  await files.close();
});

const ref = (name: string, link: string, mime = 'application/octet-stream') => ({
  name,
  id: `file-${name}`,
  mime_type: mime,
  download_link: link,
});

/** Reads the mail the user sent to themselves and fetches every attachment through the broker. */
async function attachmentsOfLatest(token: string, email: string, format: 'file' | 'base64' = 'base64') {
  const found = await post('/api/email/search', { token, body: { query: `in:inbox from:${email}`, limit: 1 } });
  const messageId = found.json.emails[0].message_id;
  const read = await post('/api/email/read', { token, body: { message_id: messageId } });
  const result = new Map<string, any>();
  for (const attachment of read.json.messages[0].attachments) {
    const answer = await post('/api/email/attachment', {
      token,
      body: { message_id: messageId, attachment_id: attachment.attachment_id, format },
    });
    expect(answer.status, answer.text).toBe(200);
    result.set(attachment.filename, { listed: attachment, answer: answer.json });
  }
  return result;
}

describe('attachments both ways', () => {
  it('sends base64 attachments and openaiFileIdRefs files, and get_attachment returns the same bytes', async () => {
    const user = await newUser();
    const sent = await sendToSelf(user, {
      subject: 'Files',
      body: 'See attached.',
      attachments: [{ filename: 'notes.txt', content_type: 'text/plain', data: notes.toString('base64') }],
      openaiFileIdRefs: [
        ref('deck.pdf', files.url('/deck.pdf'), 'application/pdf'),
        ref('photo.png', files.url('/photo.png'), 'image/png'),
      ],
    });
    expect(sent.status, sent.text).toBe(200);

    const got = await attachmentsOfLatest(user.token, user.email);
    expect([...got.keys()].sort()).toEqual(['deck.pdf', 'notes.txt', 'photo.png']);
    expect(Buffer.from(got.get('deck.pdf').answer.data, 'base64').equals(pdf)).toBe(true);
    expect(Buffer.from(got.get('photo.png').answer.data, 'base64').equals(png)).toBe(true);
    expect(got.get('deck.pdf').listed).toMatchObject({ content_type: 'application/pdf', size: pdf.length });
    // Text comes back as text.
    expect(got.get('notes.txt').answer).toMatchObject({ text: notes.toString('utf8'), data: null });

    // For ChatGPT, a binary file is handed over as openaiFileResponse.
    const asFile = await attachmentsOfLatest(user.token, user.email, 'file');
    const [handed] = asFile.get('deck.pdf').answer.openaiFileResponse;
    expect(handed).toMatchObject({ name: 'deck.pdf', mime_type: 'application/pdf' });
    expect(Buffer.from(handed.content, 'base64').equals(pdf)).toBe(true);
  });

  it('follows a redirect only to a place that passes the same checks', async () => {
    const user = await newUser();
    const ok = await sendToSelf(user, {
      subject: 'Moved',
      body: 'x',
      openaiFileIdRefs: [ref('d.pdf', files.url('/elsewhere'))],
    });
    expect(ok.status, ok.text).toBe(200);
    const offList = await sendToSelf(user, {
      subject: 'Moved away',
      body: 'x',
      openaiFileIdRefs: [ref('d.pdf', files.url('/moved'))],
    });
    expect(offList.status).toBe(400);
    expect(offList.json.error.message).toContain('evil.example.net');
    expect(await emulator.sent(user.email)).toHaveLength(1);
  });

  it.each([
    ['a host off the allowlist', 'https://evil.example.net/file.pdf', 400, /not from evil\.example\.net/],
    ['a name resolving to loopback that the allowlist names only by name', 'LOCAL', 400, /private or loopback/],
    ['plain http to a host allowed only over https', 'http://files.oaiusercontent.com/file-1', 400, /must use https/],
    ['a file larger than the cap', 'BIG', 413, /limit/],
    ['a file whose connection drops mid-body (F4: was a 500 "Error: aborted")', 'CUT', 400, /broke off/],
    ['a link that is not a URL', 'not a url', 400, /not a URL/],
  ])('refuses %s and sends nothing', async (_, link, status, message) => {
    const user = await newUser();
    const served: Record<string, string> = {
      LOCAL: `http://localhost:${files.port}/deck.pdf`,
      BIG: files.url('/big.bin'),
      CUT: files.url('/cut.pdf'),
    };
    const download = served[link] ?? link;
    const answer = await sendToSelf(user, {
      subject: 'Refused',
      body: 'x',
      openaiFileIdRefs: [ref('f.bin', download)],
    });
    expect(answer.status, answer.text).toBe(status);
    expect(answer.json.error.message).toMatch(message);
    expect(answer.json.error.details[0].field).toBe('openaiFileIdRefs[0].download_link');
    // The signed link itself is never echoed.
    if (download.includes('?')) expect(answer.text).not.toContain(download);
    expect(await emulator.sent(user.email)).toEqual([]);
  });

  it('attaches linked files to replies and drafts too', async () => {
    const user = await newUser();
    const original = await receiveOriginal(user);
    const reply = await post('/api/email/reply', {
      token: user.token,
      body: { message_id: original.id, body: 'Here.', openaiFileIdRefs: [ref('deck.pdf', files.url('/deck.pdf'))] },
    });
    expect(reply.status, reply.text).toBe(200);
    const [sent] = await emulator.sent(user.email);
    expect(sent?.raw).toContain('filename=deck.pdf');
    const draft = await post('/api/email/drafts/create', {
      token: user.token,
      body: { message_id: original.id, body: 'Draft.', openaiFileIdRefs: [ref('deck.pdf', files.url('/deck.pdf'))] },
    });
    expect(draft.status, draft.text).toBe(200);
    const read = await post('/api/email/read', { token: user.token, body: { message_id: draft.json.data.message_id } });
    expect(read.json.messages[0].attachments.map((file: { filename: string }) => file.filename)).toEqual(['deck.pdf']);
  });

  it('answers 404 for an attachment the message does not have', async () => {
    const user = await newUser();
    const seeded = await receive(user, { subject: 'none', body: 'x' });
    const answer = await post('/api/email/attachment', {
      token: user.token,
      body: { message_id: seeded.id, attachment_id: '1~ANGjdJbm9uZQ' },
    });
    expect(answer.status).toBe(404);
  });
});
