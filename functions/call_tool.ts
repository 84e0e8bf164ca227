import { dispatchToolCall, toolRunner, toolRunners } from '#lib/chatgpt/dispatch';
import { type Action, apiHandler } from '#lib/http/api-handler';
import { operations } from '#lib/operations';
import { run as get_launch_status } from './get_launch_status.ts';
import { run as get_unread_emails } from './get_unread_emails.ts';
import { run as launch_app } from './launch_app.ts';
import { run as list_computers } from './list_computers.ts';
import { run as pair_computer } from './pair_computer.ts';
import { run as reply_to_email } from './reply_to_email.ts';
import { run as send_email } from './send_email.ts';
import { run as unpair_computer } from './unpair_computer.ts';

/**
 * Every tool ChatGPT is offered, with the same `run` its own HTTP handler uses. The imports
 * are written out so the bundler can see them; a unit test holds this list to the
 * registry's tools.
 */
export const runners = toolRunners([
  toolRunner(operations.send_email, send_email),
  toolRunner(operations.get_unread_emails, get_unread_emails),
  toolRunner(operations.reply_to_email, reply_to_email),
  toolRunner(operations.launch_app, launch_app),
  toolRunner(operations.get_launch_status, get_launch_status),
  toolRunner(operations.pair_computer, pair_computer),
  toolRunner(operations.list_computers, list_computers),
  toolRunner(operations.unpair_computer, unpair_computer),
]);

/** Runs one OpenAI tool call `{name, arguments}` with the caller's Google token. */
export const run: Action<typeof operations.call_tool> = async (request) =>
  dispatchToolCall(request.body, runners, request);

export const handler = apiHandler(operations.call_tool, run);
