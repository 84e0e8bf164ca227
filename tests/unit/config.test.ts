import { describe, expect, it } from 'vitest';
import { parseConfig } from '#lib/config';

describe('parseConfig', () => {
  it('applies defaults for an empty environment', () => {
    const config = parseConfig({});
    expect(config.GMAIL_API_URL).toBe('https://gmail.googleapis.com/');
    expect(config.GOOGLE_OAUTH_URL).toBe('https://oauth2.googleapis.com/');
    expect(config.CORS_ORIGINS).toEqual(['https://chatgpt.com', 'https://chat.openai.com']);
    // File links: OpenAI's file host only, never over plain http.
    expect(config.FILE_LINK_HOSTS).toEqual(['files.oaiusercontent.com']);
    expect(config.FILE_LINK_HTTP_HOSTS).toEqual([]);
  });

  it('adds the trailing slash that client roots need', () => {
    expect(parseConfig({ GMAIL_API_URL: 'http://127.0.0.1:9999' }).GMAIL_API_URL).toBe('http://127.0.0.1:9999/');
  });

  it('treats empty strings as unset', () => {
    expect(parseConfig({ GOOGLE_CLIENT_ID: '' }).GOOGLE_CLIENT_ID).toBeUndefined();
  });

  it('lists every bad key in one error', () => {
    expect(() => parseConfig({ GMAIL_API_URL: 'not a url', LAUNCH_WAIT_MS: '-5' })).toThrow(
      /GMAIL_API_URL[\s\S]*LAUNCH_WAIT_MS/,
    );
  });
});
