import { type ToolRunner, toolRunner, toolRunners } from '../catalog/dispatch.ts';
import type { Action } from '../http/api-handler.ts';
import { allTools, operations, type ToolName } from '../operations.ts';

/** Loads one tool's action: its module is imported on the tool's first call (the bundler makes it a chunk). */
export type ActionLoader<K extends ToolName> = () => Promise<Action<(typeof operations)[K]>>;

/** What the map of tool actions must hold: every tool of the registry, each loading its own operation's action. */
export type ToolActions = { readonly [K in ToolName]: ActionLoader<K> };

/**
 * Every tool's action, the same one its own REST entry point runs, behind a loader. The
 * compiler holds it to the registry: a tool without its action here (or with another
 * operation's) does not build. Loaders keep the tool runners (call_tool, mcp) from loading
 * every tool's code at import: tools/list loads none, and a read tool never loads the MIME
 * composer, the idempotency layer or the views of the others. A single operation's entry
 * point imports its own action directly.
 */
export const toolActions = {
  send_email: async () => (await import('./mail/send_email.ts')).send_email,
  get_unread_emails: async () => (await import('./mail/get_unread_emails.ts')).get_unread_emails,
  reply_to_email: async () => (await import('./mail/reply_to_email.ts')).reply_to_email,
  search_emails: async () => (await import('./mail/search_emails.ts')).search_emails,
  read_email: async () => (await import('./mail/read_email.ts')).read_email,
  modify_emails: async () => (await import('./mail/modify_emails.ts')).modify_emails,
  list_labels: async () => (await import('./mail/list_labels.ts')).list_labels,
  create_draft: async () => (await import('./mail/create_draft.ts')).create_draft,
  list_drafts: async () => (await import('./mail/list_drafts.ts')).list_drafts,
  send_draft: async () => (await import('./mail/send_draft.ts')).send_draft,
  delete_draft: async () => (await import('./mail/delete_draft.ts')).delete_draft,
  get_attachment: async () => (await import('./mail/get_attachment.ts')).get_attachment,
  launch_app: async () => (await import('./computers/launch_app.ts')).launch_app,
  get_launch_status: async () => (await import('./computers/get_launch_status.ts')).get_launch_status,
  pair_computer: async () => (await import('./computers/pair_computer.ts')).pair_computer,
  list_computers: async () => (await import('./computers/list_computers.ts')).list_computers,
  unpair_computer: async () => (await import('./computers/unpair_computer.ts')).unpair_computer,
} satisfies ToolActions;

const byName: ToolActions = toolActions;

function runnerOf<K extends ToolName>(name: K): ToolRunner {
  return toolRunner(operations[name], byName[name]);
}

/** The tools' runners by name, in registry order: what call_tool dispatches to and MCP serves. */
export const toolRunnerMap: ReadonlyMap<string, ToolRunner> = toolRunners(
  allTools.map((tool) => runnerOf(tool.name as ToolName)),
);
