import { describe, expect, it } from 'vitest';
import { toolNames } from '#lib/grants/scopes';
import { grantOfToken, newGrantId, newToken } from '#lib/oauth/records';
import { parseScope } from '#lib/oauth/scopes';

describe('the scope parameter', () => {
  it('names tools; naming none (empty, or offline_access alone) means every tool', () => {
    expect(parseScope('get_unread_emails send_email')).toEqual({
      tools: toolNames.filter((name) => name === 'get_unread_emails' || name === 'send_email'),
      offline: false,
    });
    expect(parseScope('')).toEqual({ tools: [...toolNames], offline: false });
    expect(parseScope(null)).toEqual({ tools: [...toolNames], offline: false });
    expect(parseScope('offline_access')).toEqual({ tools: [...toolNames], offline: true });
  });

  it('ignores unknown scopes, and names no tool when every scope is unknown', () => {
    expect(parseScope('send_email mail.everything').tools).toEqual(['send_email']);
    expect(parseScope('mail.everything offline_access')).toEqual({ tools: [], offline: true });
  });
});

describe('broker tokens', () => {
  it('name their grant, and nothing else passes for one', () => {
    const grantId = newGrantId();
    expect(grantOfToken(newToken('at', grantId))).toBe(grantId);
    expect(grantOfToken(newToken('rt', grantId))).toBe(grantId);
    expect(grantOfToken('ya29.a-google-token')).toBeUndefined();
    expect(grantOfToken(`mcp-at-${grantId}`)).toBeUndefined();
    expect(grantOfToken(`${newToken('at', grantId)}x`)).toBeUndefined();
  });
});
