/**
 * Browser code the inbox and the conversation reader share: a read_email answer as one
 * article per message (headers, then the text as text; attachments named).
 */
export const MESSAGES_SCRIPT = `
function messageArticles(read) {
  return read.messages.map((message) => {
    const files = (message.attachments || []).map((file) => file.filename).filter(Boolean);
    return el('article', {},
      el('h2', { textContent: message.subject || '(no subject)' }),
      el('p', { className: 'note', textContent: 'From ' + (message.from_name ? message.from_name + ' <' + message.from_email + '>' : message.from_email) + ' · ' + message.date }),
      el('pre', { textContent: message.body }),
      ...(files.length ? [el('p', { className: 'note', textContent: 'Attached: ' + files.join(', ') })] : []),
    );
  });
}
`;
