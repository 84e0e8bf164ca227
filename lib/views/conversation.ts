import { MESSAGES_SCRIPT } from './messages-script.ts';
import { viewPage } from './page.ts';

/**
 * The conversation reader, for read_email: the messages read, oldest first; "Read on" when
 * the answer was cut (read_email with its next_cursor), a reply to the latest message
 * (reply_to_email) and archiving the whole conversation (modify_emails by thread_id).
 */
const SCRIPT = `${MESSAGES_SCRIPT}
const conversation = document.getElementById('conversation');
const actions = document.getElementById('actions');
let thread = null;
let cursor = null;
let latest = null;

function show(read, more) {
  thread = read.thread_id;
  cursor = read.next_cursor;
  latest = read.messages[read.messages.length - 1] || latest;
  if (!more) conversation.replaceChildren();
  conversation.append(...messageArticles(read));
  document.getElementById('more').hidden = !cursor;
  actions.hidden = false;
}

document.getElementById('more').addEventListener('click', () => act('Reading on', async () => {
  show(await bridge.callTool('read_email', { cursor }), true);
  return 'Read on.';
}));
document.getElementById('reply').addEventListener('click', () => {
  if (!latest || document.getElementById('reply-text')) return;
  const form = sendForm('reply-text', 'Reply to ' + latest.from_email, 'Send reply', async (body) => {
    await bridge.callTool('reply_to_email', { message_id: latest.message_id, body });
    return 'Reply sent.';
  });
  actions.after(form);
  form.querySelector('textarea').focus();
});
document.getElementById('archive').addEventListener('click', () => act('Archiving', async () => {
  await bridge.callTool('modify_emails', { thread_id: thread, actions: ['archive'] });
  return 'Conversation archived.';
}));

bridge.on('ui/notifications/tool-result', (result) => {
  if (result.isError || !result.structuredContent) return say('The tool failed.');
  show(result.structuredContent, false);
  say(result.structuredContent.messages.length + ' messages.');
});
`;

/** The conversation reader's whole page (ui://chatgpt-broker/conversation.html). */
export const PAGE = viewPage(
  'Conversation',
  `<h1>Conversation</h1>
<section id="conversation" aria-label="Messages"></section>
<div id="actions" class="actions" hidden><button id="more" type="button" hidden>Read on</button><button id="reply" type="button">Reply</button><button id="archive" type="button">Archive conversation</button></div>`,
  SCRIPT,
);
