import { viewPage } from './page.ts';

/**
 * The draft review view, for create_draft: the draft's recipients, subject and text to read
 * and edit. Nothing is sent until the user presses Send, once: unedited, that is send_draft of
 * the draft; edited, a new draft with the edits (create_draft), the old one deleted
 * (delete_draft), then send_draft of the new one. A reply draft keeps its recipients and
 * subject (Gmail threading takes them from the original), so only its text is editable.
 */
const SCRIPT = `
const form = document.getElementById('draft');
const to = document.getElementById('to');
const subject = document.getElementById('subject');
const body = document.getElementById('body');
const sendButton = document.getElementById('send');
const discardButton = document.getElementById('discard');
let input = {};
let draft = null;

const list = (value) => (Array.isArray(value) ? value.join(', ') : value || '');
const edited = () =>
  body.value !== (input.body || '') || (!input.message_id && (to.value !== list(input.to) || subject.value !== (input.subject || '')));
const ready = () => {
  sendButton.disabled = draft === null;
  discardButton.disabled = draft === null;
};

bridge.on('ui/notifications/tool-input', (params) => {
  input = params.arguments || {};
  to.value = list(input.to);
  subject.value = input.subject || '';
  body.value = input.body || '';
  to.readOnly = subject.readOnly = Boolean(input.message_id);
});
bridge.on('ui/notifications/tool-result', (result) => {
  if (result.isError || !result.structuredContent) return say('The draft was not saved.');
  draft = result.structuredContent;
  if (!to.value) to.value = list(draft.to);
  if (!subject.value) subject.value = draft.subject;
  form.hidden = false;
  ready();
  say('Draft saved. Nothing is sent until you press Send.');
});

async function finish(label, work) {
  sendButton.disabled = discardButton.disabled = true;
  say(label + '…');
  try {
    say(await work());
    form.querySelectorAll('input, textarea').forEach((field) => { field.readOnly = true; });
  } catch (error) {
    ready();
    say(label + ' failed: ' + error.message);
  }
}

sendButton.addEventListener('click', () => finish('Sending', async () => {
  if (edited()) {
    const fields = input.message_id
      ? { message_id: input.message_id, reply_all: input.reply_all, body: body.value }
      : { to: to.value.split(',').map((part) => part.trim()).filter(Boolean), cc: input.cc, bcc: input.bcc, subject: subject.value, body: body.value };
    const replaced = await bridge.callTool('create_draft', fields);
    await bridge.callTool('delete_draft', { draft_id: draft.draft_id });
    draft = replaced;
  }
  await bridge.callTool('send_draft', { draft_id: draft.draft_id });
  draft = null;
  return 'Sent.';
}));
discardButton.addEventListener('click', () => finish('Discarding', async () => {
  await bridge.callTool('delete_draft', { draft_id: draft.draft_id });
  draft = null;
  return 'Draft discarded; nothing was sent.';
}));
ready();
`;

/** The draft review view's whole page (ui://chatgpt-broker/draft-review.html). */
export const PAGE = viewPage(
  'Draft review',
  `<h1>Draft review</h1>
<form id="draft" hidden>
<label for="to">To</label><input id="to" autocomplete="off">
<label for="subject">Subject</label><input id="subject" autocomplete="off">
<label for="body">Text</label><textarea id="body"></textarea>
<div class="actions"><button id="send" type="button" class="primary">Send</button><button id="discard" type="button">Discard draft</button></div>
</form>`,
  SCRIPT,
);
