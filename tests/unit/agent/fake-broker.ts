import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { $ZodError } from 'zod/v4/core';
import {
  AGENT_PATHS,
  PollRequest,
  PollResponse,
  RegisterRequest,
  RegisterResponse,
  ResultRequest,
  ResultResponse,
} from '#lib/agent-wire/protocol';
import {
  AGENT_HEADERS,
  generateSigningKeyPair,
  type JobFields,
  REQUEST_SKEW_MS,
  type SignedJob,
  signJob,
  verifyRequest,
} from '#lib/agent-wire/signing';
import { toHttpFailure } from '#lib/http/errors';

/**
 * A small broker speaking the agent protocol over real HTTP on port 0: registration,
 * pairing, long-polls held until there is something to say, signed jobs, results. Every
 * agent request is checked with `verifyRequest`, like the real broker does, and every
 * request and answer goes through the protocol's own schemas (`#lib/agent-wire/protocol`),
 * so the agent is tested against the broker's rules, not a copy of them.
 */

interface FakeAgent {
  id: string;
  publicKey: string;
  code: string;
  codeExpiresAt: number;
  paired: boolean;
  announced: boolean;
  jobs: SignedJob[];
}

export interface FakeBrokerOptions {
  /** How long a poll is held when there is nothing to say. */
  holdMs?: number;
  pairingTtlMs?: number;
  pollIntervalMs?: number;
  /** Offered in poll answers as the WebSocket to hold instead (`socket_url`). */
  socketUrl?: string;
}

export class FakeBroker {
  url = '';
  keys = generateSigningKeyPair();
  readonly agents = new Map<string, FakeAgent>();
  readonly registrations: { name: string; platform: string; public_key: string }[] = [];
  readonly results: (ResultRequest & { agentId: string })[] = [];
  /** Answers for the next polls instead of handling them: a status (e.g. 500) or a status with a reason. */
  readonly failNextPolls: (number | { status: number; reason: string })[] = [];
  /** While true, results are recorded on arrival but answered only by `releaseResults()`. */
  holdResults = false;
  #heldResults: (() => void)[] = [];
  readonly #server: Server;
  readonly #options: Required<Omit<FakeBrokerOptions, 'socketUrl'>> & Pick<FakeBrokerOptions, 'socketUrl'>;
  readonly #waiters = new Set<() => void>();
  readonly #resultWaiters: (() => void)[] = [];

  constructor(options: FakeBrokerOptions = {}) {
    this.#options = { holdMs: 300, pairingTtlMs: 600_000, pollIntervalMs: 1_000, ...options };
    this.#server = createServer((request, response) => {
      this.#handle(request, response).catch((error: unknown) => {
        response
          .writeHead(500)
          .end(JSON.stringify({ success: false, error: { code: 'internal', message: String(error) } }));
      });
    });
  }

  async start(): Promise<this> {
    this.#server.listen(0, '127.0.0.1');
    await once(this.#server, 'listening');
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.releaseResults();
    for (const wake of this.#waiters) wake();
    this.#server.closeAllConnections();
    this.#server.close();
    await once(this.#server, 'close');
  }

  /** What the user does with their Google token: confirm the code. */
  pair(code: string): void {
    const agent = [...this.agents.values()].find((candidate) => candidate.code === code);
    if (agent === undefined) throw new Error(`no agent with code ${code}`);
    agent.paired = true;
    this.#wake();
  }

  /** Queues a job signed with the broker key (or `signingKey`) for an agent. */
  enqueue(agentId: string, fields: Partial<JobFields> = {}, signingKey = this.keys.privateKey): SignedJob {
    const agent = this.agents.get(agentId);
    if (agent === undefined) throw new Error(`unknown agent ${agentId}`);
    const now = Date.now();
    const job = signJob(
      {
        job_id: randomUUID(),
        agent_id: agentId,
        app: 'recorder',
        args: [],
        issued_at: now,
        expires_at: now + 60_000,
        ...fields,
      },
      signingKey,
    );
    agent.jobs.push(job);
    this.#wake();
    return job;
  }

  releaseResults(): void {
    this.holdResults = false;
    for (const release of this.#heldResults.splice(0)) release();
  }

  /** Drops all agents, as a broker that lost its table would. */
  forgetAgents(): void {
    this.agents.clear();
    this.#wake();
  }

  onlyAgent(): FakeAgent {
    const [agent, ...rest] = this.agents.values();
    if (agent === undefined || rest.length > 0) throw new Error(`expected one agent, have ${this.agents.size}`);
    return agent;
  }

  /** Resolves once `count` results have arrived. */
  async resultsArrived(count: number): Promise<void> {
    while (this.results.length < count) await new Promise<void>((resolve) => this.#resultWaiters.push(resolve));
  }

  #wake(): void {
    for (const wake of this.#waiters) wake();
    this.#waiters.clear();
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of request) body += chunk;
    const send = (status: number, value: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    };
    const fail = (status: number, code: string, message: string) =>
      send(status, { success: false, error: { code, message } });
    // Invalid fields are answered as the real broker answers them (lib/http/errors.ts).
    const invalid = (error: $ZodError) => {
      const { status, code, message, details } = toHttpFailure(error);
      send(status, { success: false, error: { code, message, details } });
    };

    if (request.method !== 'POST') return fail(405, 'method_not_allowed', 'POST only');
    if (request.url === AGENT_PATHS.register) {
      const parsed = RegisterRequest.safeParse(JSON.parse(body));
      if (!parsed.success) return invalid(parsed.error);
      this.registrations.push(parsed.data);
      const agent: FakeAgent = {
        id: `agent-${this.registrations.length}`,
        publicKey: parsed.data.public_key,
        code: `CODE-${this.registrations.length}`,
        codeExpiresAt: Date.now() + this.#options.pairingTtlMs,
        paired: false,
        announced: false,
        jobs: [],
      };
      this.agents.set(agent.id, agent);
      return send(
        201,
        RegisterResponse.parse({
          success: true,
          agent_id: agent.id,
          pairing_code: agent.code,
          expires_at: agent.codeExpiresAt,
          broker_public_key: this.keys.publicKey,
          poll_interval_ms: this.#options.pollIntervalMs,
        }),
      );
    }

    const agent = this.agents.get(String(request.headers[AGENT_HEADERS.id]));
    if (agent === undefined) return fail(404, 'not_found', 'unknown agent');
    const verified = verifyRequest(
      { method: request.method, path: request.url ?? '', body, headers: request.headers as Record<string, string> },
      agent.publicKey,
      { now: Date.now(), maxSkewMs: REQUEST_SKEW_MS },
    );
    if (!verified.ok) return fail(401, 'invalid_token', verified.reason);

    if (request.url === AGENT_PATHS.poll) {
      const parsed = PollRequest.safeParse(JSON.parse(body));
      if (!parsed.success) return invalid(parsed.error);
      const failure = this.failNextPolls.shift();
      if (typeof failure === 'number') return fail(failure, 'internal', 'injected failure');
      if (failure !== undefined) {
        return send(failure.status, {
          success: false,
          error: { code: 'invalid_token', message: 'injected failure', details: { reason: failure.reason } },
        });
      }
      const answer = await this.#longPoll(agent, () => this.#pollAnswer(agent));
      if (!this.agents.has(agent.id)) return fail(404, 'not_found', 'unknown agent');
      const socket = this.#options.socketUrl === undefined ? {} : { socket_url: this.#options.socketUrl };
      return send(200, PollResponse.parse({ ...answer, ...socket }));
    }
    if (request.url === AGENT_PATHS.result) {
      const parsed = ResultRequest.safeParse(JSON.parse(body));
      if (!parsed.success) return invalid(parsed.error);
      this.results.push({ ...parsed.data, agentId: agent.id });
      for (const wake of this.#resultWaiters.splice(0)) wake();
      if (this.holdResults) await new Promise<void>((resolve) => this.#heldResults.push(resolve));
      return send(200, ResultResponse.parse({ success: true, accepted: true }));
    }
    return fail(404, 'not_found', `no route ${request.url}`);
  }

  #pollAnswer(agent: FakeAgent): PollResponse | undefined {
    if (!agent.paired) return undefined;
    if (!agent.announced) {
      agent.announced = true;
      return { success: true, status: 'paired' };
    }
    const job = agent.jobs.shift();
    return job === undefined ? undefined : { success: true, status: 'job', job };
  }

  /** Holds the poll until there is an answer, the agent is forgotten, or the hold ends. */
  async #longPoll(agent: FakeAgent, answer: () => PollResponse | undefined): Promise<PollResponse> {
    const deadline = Date.now() + this.#options.holdMs;
    for (;;) {
      const ready = answer();
      if (ready !== undefined) return ready;
      const left = deadline - Date.now();
      if (left <= 0 || !this.agents.has(agent.id)) return { success: true, status: agent.paired ? 'idle' : 'unpaired' };
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.#waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.#waiters.add(wake);
      });
    }
  }
}
