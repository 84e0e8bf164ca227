/**
 * The MCP Apps views (the `io.modelcontextprotocol/ui` extension): which exist, their `ui://`
 * address and how to load their HTML. Which tool shows which view is declared beside the tool
 * in lib/operations.ts (`view`); this file only names the views. Each view's HTML is loaded
 * with `await import()` on its first `resources/read`, so the `mcp` function neither parses
 * nor runs it at import (the bundler puts it in its own chunk).
 */

/** One view as `resources/list` shows it, and how to get its page. */
export interface ViewSpec {
  readonly uri: `ui://${string}`;
  /** A few words, the resource's name for people. */
  readonly title: string;
  readonly description: string;
  /** The whole self-contained page, loaded on first use. */
  readonly load: () => Promise<string>;
}

export const VIEWS = {
  inbox: {
    uri: 'ui://chatgpt-broker/inbox.html',
    title: 'Inbox',
    description: 'Unread or found emails as a list to open, mark read, archive or reply to.',
    load: async () => (await import('./inbox.ts')).INBOX_PAGE,
  },
  draft_review: {
    uri: 'ui://chatgpt-broker/draft-review.html',
    title: 'Draft review',
    description: 'A draft to read and edit; it is sent only when the user presses Send.',
    load: async () => (await import('./draft-review.ts')).DRAFT_REVIEW_PAGE,
  },
  conversation: {
    uri: 'ui://chatgpt-broker/conversation.html',
    title: 'Conversation',
    description: 'An email or a whole conversation to read, reply to or archive.',
    load: async () => (await import('./reader.ts')).READER_PAGE,
  },
  computers: {
    uri: 'ui://chatgpt-broker/computers.html',
    title: 'Computers',
    description: 'The paired computers, to open an app on one or unpair it.',
    load: async () => (await import('./computers.ts')).COMPUTERS_PAGE,
  },
} as const satisfies Record<string, ViewSpec>;

/** A view's name as a tool's `view` field gives it. */
export type ViewName = keyof typeof VIEWS;
