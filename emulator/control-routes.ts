import type { z } from 'zod';
import type { CreatedUser, SeededMessage } from './control-schemas.ts';
import { CreateUserBody, EmailBody, FaultBody, LatencyBody, SeedMessageBody, TokenBody } from './control-schemas.ts';
import { seedMessage } from './delivery.ts';
import { HttpError, parseJsonBody } from './http.ts';
import type { Route, RouteContext, RouteResult } from './router.ts';
import type { EmulatorState } from './state.ts';

/**
 * The control API under `/__emulator/`: how tests, benchmarks and `npm start` create
 * users, seed mail, inspect what was sent and requested, and inject latency or faults.
 * Plain JSON errors here (`{error:{message}}`); these routes are ours, not Google's.
 */

const controlError = (status: number, message: string, issues?: unknown) =>
  new HttpError(status, { error: { message, ...(issues === undefined ? {} : { issues }) } });

function parse<T extends z.ZodType>(schema: T, context: RouteContext): z.output<T> {
  const json = parseJsonBody(context.body, () => controlError(400, 'Body is not valid JSON.'));
  const result = schema.safeParse(json);
  if (!result.success) throw controlError(400, 'Invalid control request.', result.error.issues);
  return result.data;
}

function internalDateOf(value: number | string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return value;
  const parsed = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (Number.isNaN(parsed)) throw controlError(400, `internalDate is not a date: ${value}`);
  return parsed;
}

/** The control routes; `reseed` restores the demo mailbox after a reset when enabled. */
export function controlRoutes(state: EmulatorState, reseed: () => Promise<void>): Route[] {
  const routes: Record<string, (context: RouteContext) => RouteResult | Promise<RouteResult>> = {
    'POST users': (context) => {
      const body = parse(CreateUserBody, context);
      const created: CreatedUser = state.createUser(body);
      return { status: 201, body: created };
    },
    'POST tokens/revoke': (context) => {
      const { token } = parse(TokenBody, context);
      if (!state.accounts.revoke(token)) throw controlError(404, 'Unknown token.');
      return { body: { revoked: true } };
    },
    'POST users/revoke-grants': (context) => {
      const { email } = parse(EmailBody, context);
      return { body: { revoked: state.accounts.revokeAll(email) } };
    },
    'POST consent-user': (context) => {
      const { email } = parse(EmailBody, context);
      if (state.accounts.findUser(email) === undefined) throw controlError(404, `No emulator user ${email}.`);
      state.consentUser = email;
      return { body: { email } };
    },
    'POST tokens/expire': (context) => {
      const { token } = parse(TokenBody, context);
      if (!state.accounts.expire(token)) throw controlError(404, 'Unknown access token.');
      return { body: { expired: true } };
    },
    'POST messages': async (context) => {
      const body = parse(SeedMessageBody, context);
      const mailbox = state.mailbox(body.email);
      if (mailbox === undefined) throw controlError(404, `No emulator user ${body.email}; create it first.`);
      const raw = body.raw === undefined ? Buffer.from(body.rawBase64 ?? '', 'base64') : Buffer.from(body.raw, 'utf8');
      const message = await seedMessage(mailbox, {
        raw,
        labelIds: body.labelIds ?? ['INBOX', 'UNREAD'],
        threadId: body.threadId,
        internalDate: internalDateOf(body.internalDate),
        copies: body.copies ?? 1,
      });
      const seeded: SeededMessage = { id: message.id, threadId: message.threadId };
      return { status: 201, body: seeded };
    },
    'GET sent': (context) => {
      const email = context.url.searchParams.get('email');
      if (email === null) return { body: { messages: state.allMailboxes().flatMap((mailbox) => mailbox.sent) } };
      const mailbox = state.mailbox(email);
      if (mailbox === undefined) throw controlError(404, `No emulator user ${email}.`);
      return { body: { messages: mailbox.sent } };
    },
    'GET requests': () => ({ body: { requests: state.traffic.requests() } }),
    'POST requests/clear': () => {
      state.traffic.clearRequests();
      return { body: { cleared: true } };
    },
    'POST latency': (context) => {
      const { ms, pathPattern } = parse(LatencyBody, context);
      state.traffic.setLatency(ms, pathPattern);
      return { body: { ms, ...(pathPattern === undefined ? {} : { pathPattern }) } };
    },
    'POST faults': (context) => {
      const fault = parse(FaultBody, context);
      state.traffic.addFault(fault);
      return { status: 201, body: { added: true } };
    },
    'POST faults/clear': () => {
      state.traffic.clearFaults();
      return { body: { cleared: true } };
    },
    'POST reset': async () => {
      state.reset();
      await reseed();
      return { body: { reset: true } };
    },
  };
  return Object.entries(routes).map(([key, handler]) => {
    const [method = 'GET', path = ''] = key.split(' ');
    return { method, pattern: new RegExp(`^/__emulator/${path}$`), handler };
  });
}
