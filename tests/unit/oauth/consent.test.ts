import { describe, expect, it } from 'vitest';
import { groupOf } from '#lib/grants/access';
import { consentPage } from '#lib/oauth/consent';
import { allTools, operations } from '#lib/operations';

const render = (tools: string[], kept: string[] = []) =>
  String(
    consentPage({
      requestId: 'r1',
      clientName: 'Client',
      redirectUri: 'https://client.example.com/cb',
      tools,
      kept,
      action: '/oauth/authorize',
      account: 'https://broker.example.com/account',
      cookie: 'c=1',
    }).body,
  );

describe('the consent page', () => {
  it('names each requested and each kept tool by its title for people, and no other tool', () => {
    const html = render(['send_email', 'get_unread_emails'], ['list_labels']);
    expect(html).toContain(operations.send_email.tool.title);
    expect(html).toContain(operations.get_unread_emails.tool.title);
    expect(html).not.toContain('send_email');
    expect(html).toContain(`It keeps what you allowed before: <strong>${operations.list_labels.tool.title}</strong>`);
    expect(html).not.toContain(operations.launch_app.tool.title);
  });

  it('shows only the groups asked for, reading marked as sensitive like sending', () => {
    const mailOnly = render(['get_unread_emails', 'send_email']);
    expect(mailOnly).toContain('<h2>Read your mail</h2>\n<p class="sensitive">Sensitive:');
    expect(mailOnly).toContain('<h2>Send email as you</h2>\n<p class="sensitive">Sensitive:');
    for (const absent of ['Open apps on your computer', 'Change labels', 'Write and delete drafts'])
      expect(mailOnly).not.toContain(absent);
    expect(mailOnly).not.toContain('computer');
    const computerOnly = render(['launch_app', 'list_computers']);
    expect(computerOnly).toContain('<h2>Open apps on your computer</h2>');
    expect(computerOnly).not.toContain('Read your mail');
    expect(computerOnly).not.toContain('Gmail');
  });

  it('says a reply also reads mail when reading was not asked for', () => {
    expect(render(['reply_to_email'])).toContain('it also reads the messages it works on');
    expect(render(['reply_to_email', 'read_email'])).not.toContain('it also reads');
  });

  it("marks the client's name as its own claim, says where each answer sends the browser, and links to the account page", () => {
    const html = render(['read_email']);
    expect(html).toContain("That name is the application's own claim");
    expect(html).toContain('goes back to the\napplication, at <code>client.example.com</code>');
    expect(html).toContain('<strong>Deny</strong>: your browser goes back to <code>client.example.com</code>');
    expect(html).toContain(
      'You can revoke this access at any time on <a href="https://broker.example.com/account">your account page</a>.',
    );
  });

  it('puts every tool of the registry in one group', () => {
    expect(allTools.filter((tool) => groupOf(tool) === undefined).map((tool) => tool.name)).toEqual([]);
    expect(groupOf(operations.reply_to_email)?.id).toBe('send');
    expect(groupOf(operations.create_draft)?.id).toBe('drafts');
    expect(groupOf(operations.modify_emails)?.id).toBe('labels');
    expect(groupOf(operations.list_labels)?.id).toBe('read');
    expect(groupOf(operations.unpair_computer)?.id).toBe('computer');
  });
});
