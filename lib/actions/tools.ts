import { type ToolRunner, toolRunner, toolRunners } from '../catalog/dispatch.ts';
import type { Action } from '../http/api-handler.ts';
import { allTools, operations, type ToolName } from '../operations.ts';
import { get_launch_status } from './computers/get_launch_status.ts';
import { launch_app } from './computers/launch_app.ts';
import { list_computers } from './computers/list_computers.ts';
import { pair_computer } from './computers/pair_computer.ts';
import { unpair_computer } from './computers/unpair_computer.ts';
import { create_draft } from './mail/create_draft.ts';
import { delete_draft } from './mail/delete_draft.ts';
import { get_attachment } from './mail/get_attachment.ts';
import { get_unread_emails } from './mail/get_unread_emails.ts';
import { list_drafts } from './mail/list_drafts.ts';
import { list_labels } from './mail/list_labels.ts';
import { modify_emails } from './mail/modify_emails.ts';
import { read_email } from './mail/read_email.ts';
import { reply_to_email } from './mail/reply_to_email.ts';
import { search_emails } from './mail/search_emails.ts';
import { send_draft } from './mail/send_draft.ts';
import { send_email } from './mail/send_email.ts';

/** What the map of tool actions must hold: every tool of the registry, each with its own operation's action. */
export type ToolActions = { readonly [K in ToolName]: Action<(typeof operations)[K]> };

/**
 * Every tool's action, the same one its own REST entry point runs. The compiler holds it to
 * the registry: a tool without its action here (or with another operation's) does not build.
 * Only the tool runners (call_tool, mcp) import this map; a single operation's entry point
 * imports its own action, so its bundle carries no other operation's code.
 */
export const toolActions = {
  send_email,
  get_unread_emails,
  reply_to_email,
  search_emails,
  read_email,
  modify_emails,
  list_labels,
  create_draft,
  list_drafts,
  send_draft,
  delete_draft,
  get_attachment,
  launch_app,
  get_launch_status,
  pair_computer,
  list_computers,
  unpair_computer,
} satisfies ToolActions;

const byName: ToolActions = toolActions;

function runnerOf<K extends ToolName>(name: K): ToolRunner {
  return toolRunner(operations[name], byName[name]);
}

/** The tools' runners by name, in registry order: what call_tool dispatches to and MCP serves. */
export const toolRunnerMap: ReadonlyMap<string, ToolRunner> = toolRunners(
  allTools.map((tool) => runnerOf(tool.name as ToolName)),
);
