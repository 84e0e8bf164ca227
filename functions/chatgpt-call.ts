import { dispatchToolCall, toolRunner, toolRunners } from '#lib/chatgpt/dispatch';
import { type Action, apiHandler } from '#lib/http/api-handler';
import * as operations from '#lib/operations';
import { run as pairAgent } from './agent-pair.ts';
import { run as launchStatus } from './app-job.ts';
import { run as launchApp } from './app-launch.ts';
import { run as replyEmail } from './email-reply.ts';
import { run as sendEmail } from './email-send.ts';
import { run as unreadEmails } from './email-unread.ts';

/** Every tool ChatGPT is offered, with the same `run` its own HTTP handler uses. */
export const runners = toolRunners([
  toolRunner(operations.sendEmail, sendEmail),
  toolRunner(operations.unreadEmails, unreadEmails),
  toolRunner(operations.replyEmail, replyEmail),
  toolRunner(operations.launchApp, launchApp),
  toolRunner(operations.launchStatus, launchStatus),
  toolRunner(operations.pairAgent, pairAgent),
]);

/** POST /api/chatgpt/call: runs one OpenAI tool call `{name, arguments}` with the caller's Google token. */
export const run: Action<typeof operations.callTool> = async (request) =>
  dispatchToolCall(request.body, runners, request);

export const handler = apiHandler(operations.callTool, run);
