import { describe, expect, it } from 'vitest';
import { consentPage } from '#lib/oauth/consent';
import { operations } from '#lib/operations';

describe('the consent page', () => {
  it('names each requested and each kept tool by its title for people, and no other tool', () => {
    const page = consentPage({
      requestId: 'r1',
      clientName: 'Client',
      redirectUri: 'https://client.example.com/cb',
      tools: ['send_email', 'get_unread_emails'],
      kept: ['list_labels'],
      action: '/oauth/authorize',
      cookie: 'c=1',
    });
    const html = String(page.body);
    expect(html).toContain(`<strong>${operations.send_email.tool.title}</strong>`);
    expect(html).toContain(`<strong>${operations.get_unread_emails.tool.title}</strong>`);
    expect(html).not.toContain('<strong>send_email</strong>');
    expect(html).toContain(`It keeps what you allowed before: <strong>${operations.list_labels.tool.title}</strong>`);
    expect(html).not.toContain(operations.launch_app.tool.title);
  });
});
