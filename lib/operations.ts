import type { z } from 'zod';
import {
  ReplyEmailRequest,
  ReplyEmailResponse,
  SendEmailRequest,
  SendEmailResponse,
  UnreadEmailsRequest,
  UnreadEmailsResponse,
} from './schemas/email.ts';

/** Google OAuth scopes the operations need (named in 403s and in the OpenAPI document). */
export const SCOPES = {
  send: 'https://www.googleapis.com/auth/gmail.send',
  read: 'https://www.googleapis.com/auth/gmail.readonly',
  email: 'https://www.googleapis.com/auth/userinfo.email',
} as const;

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
  /** Validates the JSON body; absent for operations that take none. */
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

/** Every operation, in the order tools and the OpenAPI document list them. */
export const operations: Operation[] = [sendEmail, unreadEmails, replyEmail];

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
