import { MESSAGES_SCRIPT } from './messages-script.ts';
import { listPage } from './page.ts';

/**
 * The inbox view, for get_unread_emails and search_emails: the listed emails, each to open
 * (read_email), mark read or archive (modify_emails) or reply to (reply_to_email), every
 * action a tool call through the host.
 */
const SCRIPT = `${MESSAGES_SCRIPT}
const reader = document.getElementById('reader');

function showMessage(read) {
  reader.replaceChildren(...messageArticles(read));
  reader.hidden = false;
  reader.focus();
}

function replyForm(item, email) {
  const form = sendForm('reply-' + email.message_id, 'Reply to ' + email.from_email, 'Send reply', async (body) => {
    await bridge.callTool('reply_to_email', { message_id: email.message_id, body });
    return 'Reply sent.';
  });
  item.append(form);
  form.querySelector('textarea').focus();
}

function row(email) {
  const item = el('li', { className: email.is_unread ? 'unread' : '' });
  item.dataset.messageId = email.message_id;
  const button = (text, onClick) => actionButton(text, email.subject || '(no subject)', onClick);
  const markRead = button('Mark read', () => act('Marking read', async () => {
    await bridge.callTool('modify_emails', { message_ids: [email.message_id], actions: ['mark_read'] });
    item.classList.remove('unread');
    markRead.disabled = true;
    return 'Marked read.';
  }));
  markRead.disabled = !email.is_unread;
  item.append(
    el('div', { className: 'from', textContent: email.from_name || email.from_email }),
    el('div', { className: 'subject', textContent: email.subject || '(no subject)' }),
    el('div', { className: 'snippet', textContent: email.snippet }),
    el('div', { className: 'actions' },
      button('Open', () => act('Opening', async () => {
        showMessage(await bridge.callTool('read_email', { message_id: email.message_id }));
        return 'Opened.';
      })),
      markRead,
      button('Archive', () => act('Archiving', async () => {
        await bridge.callTool('modify_emails', { message_ids: [email.message_id], actions: ['archive'] });
        item.remove();
        return 'Archived: ' + (email.subject || '(no subject)');
      })),
      button('Reply', () => replyForm(item, email)),
    ),
  );
  return item;
}
`;

/** The inbox view's whole page (ui://chatgpt-broker/inbox.html). */
export const PAGE = listPage(
  'Inbox',
  { field: 'emails', label: 'Emails', noun: 'emails' },
  SCRIPT,
  '\n<section id="reader" tabindex="-1" hidden aria-label="Open email"></section>',
);
