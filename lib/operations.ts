import type { z } from 'zod';
import {
  AGENT_PATHS,
  PollRequest,
  PollResponse,
  RegisterRequest,
  RegisterResponse,
  ResultRequest,
  ResultResponse,
} from './agent-protocol.ts';
import { SCOPES } from './google/scopes.ts';
import {
  JobStatusRequest,
  LaunchAppRequest,
  LaunchAppResponse,
  PairAgentRequest,
  PairAgentResponse,
} from './schemas/apps.ts';
import { ToolCallRequest } from './schemas/chatgpt.ts';
import {
  ReplyEmailRequest,
  ReplyEmailResponse,
  SendEmailRequest,
  SendEmailResponse,
  UnreadEmailsRequest,
  UnreadEmailsResponse,
} from './schemas/email.ts';

export { SCOPES };

/**
 * One API operation: everything the HTTP handler, the ChatGPT tool definitions and the
 * OpenAPI document need to know about it, written once.
 */
export interface Operation<S extends z.ZodType = z.ZodType> {
  /** Tool name and OpenAPI operationId. */
  name: string;
  method: 'GET' | 'POST';
  path: string;
  /** At most 300 characters (GPT Actions' limit). */
  summary: string;
  description: string;
  /** Validates the input: the JSON body, or for GET the path and query parameters. */
  request?: S;
  response?: z.ZodType;
  /** Who may call: the user's Google token, a signed agent, or anyone. */
  auth: 'google' | 'agent' | 'none';
  scopes: string[];
  /** ChatGPT asks the user before every call (sends mail, launches apps). */
  consequential: boolean;
  /** Offered to ChatGPT as a tool (agent-only and meta operations are not). */
  tool: boolean;
}

function operation<S extends z.ZodType>(spec: Operation<S>): Operation<S> {
  return spec;
}

export const sendEmail = operation({
  name: 'send_email',
  method: 'POST',
  path: '/api/email/send',
  summary: "Send an email from the user's Gmail account.",
  description:
    'Sends an email from the signed-in Gmail account to one or more recipients, with optional cc, bcc, HTML body and attachments.',
  request: SendEmailRequest,
  response: SendEmailResponse,
  auth: 'google',
  scopes: [SCOPES.send],
  consequential: true,
  tool: true,
});

export const unreadEmails = operation({
  name: 'get_unread_emails',
  method: 'POST',
  path: '/api/email/unread',
  summary: "List unread emails in the user's Gmail inbox, newest first, with readable bodies.",
  description:
    'Returns unread inbox emails (sender, subject, date, readable body text). Use next_page_token for more. Optional query words narrow the list.',
  request: UnreadEmailsRequest,
  response: UnreadEmailsResponse,
  auth: 'google',
  scopes: [SCOPES.read],
  consequential: false,
  tool: true,
});

export const replyEmail = operation({
  name: 'reply_to_email',
  method: 'POST',
  path: '/api/email/reply',
  summary: "Reply to an email in the user's Gmail, inside the original conversation.",
  description:
    'Replies in the original thread to a message (message_id or thread_id from get_unread_emails) or to the latest email from sender_email. reply_all also answers the other recipients.',
  request: ReplyEmailRequest,
  response: ReplyEmailResponse,
  auth: 'google',
  scopes: [SCOPES.send, SCOPES.read],
  consequential: true,
  tool: true,
});

export const launchApp = operation({
  name: 'launch_app',
  method: 'POST',
  path: '/api/app/launch',
  summary: "Open an application on the user's own computer through its paired desktop agent.",
  description:
    "Asks the user's paired computer to open an app from its catalog (chrome, vscode, notepad, calculator, firefox, ...), optionally with arguments such as a URL. Answers launched, failed with the reason, or pending with a job id.",
  request: LaunchAppRequest,
  response: LaunchAppResponse,
  auth: 'google',
  scopes: [SCOPES.email],
  consequential: true,
  tool: true,
});

export const launchStatus = operation({
  name: 'get_launch_status',
  method: 'GET',
  path: '/api/app/jobs/{job_id}',
  summary: 'Check on an app launch that was still pending.',
  description:
    'Reports the current state of a launch job returned by launch_app: pending, launched, failed, refused or expired.',
  request: JobStatusRequest,
  response: LaunchAppResponse,
  auth: 'google',
  scopes: [SCOPES.email],
  consequential: false,
  tool: true,
});

export const pairAgent = operation({
  name: 'pair_computer',
  method: 'POST',
  path: AGENT_PATHS.pair,
  summary: "Pair the user's computer with this service using the code its desktop agent printed.",
  description:
    'Confirms the one-time pairing code shown by the desktop agent ("Pairing code: ABCD-2345"), so that launch_app can open apps on that computer. Codes expire within minutes.',
  request: PairAgentRequest,
  response: PairAgentResponse,
  auth: 'google',
  scopes: [SCOPES.email],
  consequential: true,
  tool: true,
});

export const registerAgent = operation({
  name: 'register_agent',
  method: 'POST',
  path: AGENT_PATHS.register,
  summary: 'Desktop agent: register a new agent key and get a pairing code.',
  description:
    "Called by the desktop agent at first start with its public key; answers the agent id, a one-time pairing code and the broker's job-signing public key.",
  request: RegisterRequest,
  response: RegisterResponse,
  auth: 'none',
  scopes: [],
  consequential: false,
  tool: false,
});

export const pollAgent = operation({
  name: 'poll_agent_jobs',
  method: 'POST',
  path: AGENT_PATHS.poll,
  summary: 'Desktop agent: wait for the next launch job (long poll, signed request).',
  description:
    'Held open up to about 20 seconds; answers as soon as a signed job for this agent arrives, each job to one poll only.',
  request: PollRequest,
  response: PollResponse,
  auth: 'agent',
  scopes: [],
  consequential: false,
  tool: false,
});

export const agentResult = operation({
  name: 'report_agent_result',
  method: 'POST',
  path: AGENT_PATHS.result,
  summary: 'Desktop agent: report what happened to a job (signed request).',
  description: 'Records the outcome of a job: launched, failed or refused. The first result for a job wins.',
  request: ResultRequest,
  response: ResultResponse,
  auth: 'agent',
  scopes: [],
  consequential: false,
  tool: false,
});

export const root = operation({
  name: 'service_info',
  method: 'GET',
  path: '/',
  summary: 'What this service is and which operations it offers.',
  description: 'Names the service and lists its operations with their methods and paths.',
  auth: 'none',
  scopes: [],
  consequential: false,
  tool: false,
});

export const toolDefinitions = operation({
  name: 'get_tool_definitions',
  method: 'GET',
  path: '/api/chatgpt/functions',
  summary: 'OpenAI tool definitions (strict mode) for every operation ChatGPT can call.',
  description:
    'The tools in the current OpenAI format (`tools`) and in the original list form (`functions`), generated from the request schemas.',
  auth: 'none',
  scopes: [],
  consequential: false,
  tool: false,
});

export const callTool = operation({
  name: 'call_tool',
  method: 'POST',
  path: '/api/chatgpt/call',
  summary: "Run one OpenAI tool call (name and arguments) with the caller's Google token.",
  description:
    'Forwards a tool call from OpenAI function calling without glue code: `arguments` may be an object or the JSON string the API returns.',
  request: ToolCallRequest,
  auth: 'google',
  // Whatever the forwarded tool needs: every scope a tool uses.
  scopes: [SCOPES.send, SCOPES.read, SCOPES.email],
  consequential: true,
  tool: false,
});

export const openApiDocument = operation({
  name: 'get_openapi_document',
  method: 'GET',
  path: '/openapi.json',
  summary: "The OpenAPI 3.1 document to import into a custom GPT's Actions.",
  description: 'Generated from the same schemas that validate requests.',
  auth: 'none',
  scopes: [],
  consequential: false,
  tool: false,
});

export const docsPage = operation({
  name: 'get_docs_page',
  method: 'GET',
  path: '/docs',
  summary: 'A human-readable API reference rendered from the OpenAPI document.',
  description: 'HTML reference of every operation, its fields and answers.',
  auth: 'none',
  scopes: [],
  consequential: false,
  tool: false,
});

/** Every operation, in the order tools and the OpenAPI document list them. */
export const operations: Operation[] = [
  sendEmail,
  unreadEmails,
  replyEmail,
  launchApp,
  launchStatus,
  pairAgent,
  registerAgent,
  pollAgent,
  agentResult,
  toolDefinitions,
  callTool,
  openApiDocument,
  docsPage,
  root,
];
