import { describe, expect, it } from 'vitest';
import { SCOPES, scopeClass } from '#lib/google/scopes';

describe("Google's class of a set of scopes", () => {
  it('is the strictest of its members', () => {
    expect(scopeClass([SCOPES.email])).toBe('non-sensitive');
    expect(scopeClass([SCOPES.send, SCOPES.email])).toBe('sensitive');
    expect(scopeClass([SCOPES.send, SCOPES.read])).toBe('restricted');
  });

  it('is non-sensitive for no scope at all', () => {
    expect(scopeClass([])).toBe('non-sensitive');
  });
});
