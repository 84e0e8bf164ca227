/**
 * Run by bench/unread.ts in a fresh process: lists one page of unread mail against the
 * emulator and prints the process's peak resident memory (maxRSS) as JSON. With `idle`
 * it loads the same modules and lists nothing, to give the baseline of the same process.
 *
 * argv: <emulator url> <token> <limit> <ours|raw|idle>
 */
import { parseConfig } from '#lib/config';
import { createGmailClient } from '#lib/gmail/client';
import { mapWithConcurrency } from '#lib/gmail/concurrency';
import { parseMessage } from '#lib/gmail/parse';
import { FETCH_CONCURRENCY, listUnread } from '#lib/gmail/unread';

const [url = '', token = '', limitText = '10', mode = 'ours'] = process.argv.slice(2);
const limit = Number(limitText);
const gmail = createGmailClient(
  { accessToken: token },
  parseConfig({ GMAIL_API_URL: `${url}/`, GOOGLE_OAUTH_URL: `${url}/` }),
);

let count = 0;
if (mode === 'ours') {
  count = (await listUnread(gmail, { limit })).emails.length;
} else if (mode === 'raw') {
  // The way this path worked before: whole messages (attachments included) parsed, 25 at a time.
  const list = await gmail.users.messages.list({ userId: 'me', q: 'is:unread in:inbox', maxResults: limit });
  const ids = (list.data.messages ?? []).map((message) => message.id as string);
  const raws = await mapWithConcurrency(ids, FETCH_CONCURRENCY, async (id) => {
    // A generous timeout: the emulator serving 10 MB messages shares this machine.
    const { data } = await gmail.users.messages.get({ userId: 'me', id, format: 'raw' }, { timeout: 120_000 });
    return (await parseMessage(data.raw ?? '')).text.length;
  });
  count = raws.length;
}
// maxRSS is in kilobytes.
process.stdout.write(JSON.stringify({ count, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
