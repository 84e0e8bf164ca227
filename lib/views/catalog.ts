/**
 * The MCP Apps views (the `io.modelcontextprotocol/ui` extension): which exist, their `ui://`
 * address and how to load their HTML. Which tool shows which view is declared beside the tool
 * in lib/operations.ts (`view`); this file only names the views. Each view's HTML is loaded
 * with `await import()` on its first `resources/read`, so the `mcp` function neither parses
 * nor runs it at import (the bundler puts it in its own chunk).
 */
import { SERVICE } from '../service.ts';

/** One view as `resources/list` shows it, and how to get its page. */
export interface ViewSpec {
  readonly uri: string;
  /** A few words, the resource's name for people. */
  readonly title: string;
  readonly description: string;
  /** The whole self-contained page, loaded on first use. */
  readonly load: () => Promise<string>;
}

/**
 * A view of ours at `ui://chatgpt-broker/<file>.html`, whose page is `PAGE` of `./<file>.ts`
 * (the bundler makes each such file a chunk of its own, imported on first use).
 */
function view(file: string, title: string, description: string): ViewSpec {
  const load = async () => ((await import(`./${file}.ts`)) as { PAGE: string }).PAGE;
  return { uri: `ui://${SERVICE}/${file}.html`, title, description, load };
}

export const VIEWS = {
  inbox: view('inbox', 'Inbox', 'Unread or found emails to open, mark read, archive or reply to.'),
  draft_review: view('draft-review', 'Draft review', 'A draft to read and edit, sent only when the user presses Send.'),
  conversation: view('conversation', 'Conversation', 'An email or a conversation to read, reply to or archive.'),
  computers: view('computers', 'Computers', 'The paired computers, to open an app on one or to unpair it.'),
};

/** A view's name as a tool's `view` field gives it. */
export type ViewName = keyof typeof VIEWS;
