import { describe, expect, it } from 'vitest';
import { ACCOUNT_PATHS as paths, renderAccount } from '#lib/pages/account-page';

const computer = {
  agent_id: 'a"><script>1</script>',
  name: '<img src=x onerror=alert(1)>',
  platform: 'linux',
  paired_at: 0,
  last_seen: Date.UTC(2026, 0, 2, 3, 4),
  is_default: true,
};

describe('the account page', () => {
  it('escapes every value it shows, the CSRF token and ids in attributes included', () => {
    const html = renderAccount({ paths, email: '<b>@example.com', csrf: '"><x>', computers: [computer] });
    expect(html).not.toMatch(/<img|<script|<b>|<x>/);
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;');
    expect(html).toContain('value="&#34;&#62;&#60;x&#62;"');
  });

  it('puts the CSRF token in every form, and names the default computer and when it was last seen', () => {
    const html = renderAccount({ paths, email: 'a@example.com', csrf: 'token', computers: [computer, computer] });
    // Unpair for both, make-default for the one that is not (the same record twice here is default), sign out.
    const other = { ...computer, agent_id: 'b', name: 'Other', is_default: false };
    const two = renderAccount({ paths, email: 'a@example.com', csrf: 'token', computers: [computer, other] });
    expect(two.match(/<form /g)).toHaveLength(4);
    expect(two.match(/name="csrf" value="token"/g)).toHaveLength(4);
    expect(two).toContain('aria-label="Make default: Other"');
    expect(two).not.toContain('aria-label="Make default: &#60;img');
    expect(html).toContain('(default)');
    expect(html).toContain('2026-01-02 03:04 UTC');
  });
});
