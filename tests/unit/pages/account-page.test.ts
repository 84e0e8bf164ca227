import { describe, expect, it } from 'vitest';
import type { GrantRecord } from '#lib/oauth/records';
import { operations } from '#lib/operations';
import { ACCOUNT_PATHS as paths, renderAccount } from '#lib/pages/account-page';

const computer = {
  agent_id: 'a"><script>1</script>',
  name: '<img src=x onerror=alert(1)>',
  platform: 'linux',
  paired_at: 0,
  last_seen: Date.UTC(2026, 0, 2, 3, 4),
  is_default: true,
};

/** The page signed in as a@example.com with CSRF token `token`, these computers and grants. */
const signedIn = (computers: (typeof computer)[], grants: GrantRecord[] = []) =>
  renderAccount({ paths, email: 'a@example.com', csrf: 'token', computers, grants });

describe('the account page', () => {
  it('escapes every value it shows, the CSRF token and ids in attributes included', () => {
    const html = renderAccount({ paths, email: '<b>@example.com', csrf: '"><x>', computers: [computer], grants: [] });
    expect(html).not.toMatch(/<img|<script|<b>|<x>/);
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;');
    expect(html).toContain('value="&#34;&#62;&#60;x&#62;"');
  });

  it('puts the CSRF token in every form, and names the default computer and when it was last seen', () => {
    const html = signedIn([computer, computer]);
    const other = { ...computer, agent_id: 'b', name: 'Other', is_default: false };
    const two = signedIn([computer, other]);
    // Unpair twice, make-default once, pair by code, sign out.
    expect(two.match(/<form /g)).toHaveLength(5);
    expect(two.match(/name="csrf" value="token"/g)).toHaveLength(5);
    expect(two).toContain('aria-label="Make default: Other"');
    expect(two).not.toContain('aria-label="Make default: &#60;img');
    expect(html).toContain('(default)');
    expect(html).toContain('2026-01-02 03:04 UTC');
  });

  it('lists each grant under its self-given name (escaped, marked as a claim), its tools by title, dates, and a revoke form', () => {
    const grant: GrantRecord = {
      grantId: 'g"1',
      userId: 'u',
      clientId: 'c',
      clientName: '<i>Evil</i> & Co',
      resource: 'https://broker.example.com/mcp',
      tools: ['get_unread_emails', 'send_email'],
      googleScopes: [],
      googleRefreshToken: {} as GrantRecord['googleRefreshToken'],
      createdAt: Date.UTC(2026, 0, 2, 3, 4),
      refreshedAt: Date.UTC(2026, 0, 3, 5, 6),
      expiresAt: Date.UTC(2026, 3, 1),
    };
    const html = signedIn([], [grant]);
    expect(html).not.toContain('<i>');
    expect(html).toContain('<h3>&#60;i&#62;Evil&#60;/i&#62; &#38; Co</h3>');
    expect(html).toContain('The name the application gave itself, not checked.');
    expect(html).toContain(`Read your mail (${operations.get_unread_emails.tool.title})`);
    expect(html).toContain(`Send email as you (${operations.send_email.tool.title})`);
    expect(html).not.toContain('send_email');
    expect(html).toContain('Allowed 2026-01-02 03:04 UTC · last refreshed 2026-01-03 05:06 UTC');
    expect(html).toContain(
      `<form method="post" action="${paths.revoke}"><input type="hidden" name="csrf" value="token">`,
    );
    expect(html).toContain('name="grant" value="g&#34;1"');
    expect(html).toContain('aria-label="Revoke &#60;i&#62;Evil&#60;/i&#62; &#38; Co"');
  });
});
