import type { Context } from 'aws-lambda';
import { type Config, getConfig } from '../config.ts';
import { type Deadline, deadlineOf, withDeadline } from '../deadline.ts';
import { ProtocolError } from '../errors.ts';
import { clearSecrets, describeError, logger } from '../log.ts';
import { flushMetrics } from '../metrics.ts';
import type { FunctionSpec } from '../operations.ts';
import { readSecret } from '../secrets.ts';
import { type HttpFailure, toHttpFailure, withinDeadline } from './errors.ts';

/** The configuration, with the Google client secret from SSM for the functions whose registry entry names it. */
export async function configFor(spec: Pick<FunctionSpec, 'secrets'>): Promise<Config> {
  const config = getConfig();
  if (!spec.secrets.includes('google_client_secret')) return config;
  const secret = await readSecret(config, 'google_client_secret');
  return secret ? { ...config, GOOGLE_CLIENT_SECRET: secret } : config;
}

/** One invocation of a function, as every adapter's work receives it. */
export interface Invocation {
  /** The registry's name of the function (log lines carry it). */
  operation: string;
  /** The runtime's invocation: request id, remaining time. */
  context: Context;
  /** Configuration, with the secrets this function's registry entry names. */
  config: Config;
  /**
   * When the work must be done: the context's remaining time less a margin, capped by API
   * Gateway's 29 s. Gmail and OAuth calls read it through `currentDeadline()` too.
   */
  deadline: Deadline;
}

/** How an adapter speaks: its work's answer, its rendering of a failure, and the status it answered. */
export interface Adapter<Answer> {
  /** Renders the one failure model (or a protocol's own error) in this transport's format. */
  fail(failure: HttpFailure, error: unknown, context: Context): Answer;
  status(answer: Answer): number;
}

/**
 * The one invocation pipeline every function runs, whatever its transport: the logger's
 * per-invocation context (request id) and its reset, configuration and secrets, the
 * deadline (from the Lambda context, made current for everything the work calls), the one
 * error mapping (a timeout after the deadline is a 504, `toHttpFailure` for the rest), one
 * log line per invocation, and the request's secrets forgotten and metrics flushed at the
 * end. Adapters (REST, pages/OAuth/MCP, the agents' socket) only decode and render.
 */
export async function invoke<Answer>(
  spec: Pick<FunctionSpec, 'name' | 'secrets'>,
  context: Context,
  adapter: Adapter<Answer>,
  work: (invocation: Invocation) => Promise<Answer>,
): Promise<Answer> {
  const started = Date.now();
  const deadline = deadlineOf(context, started);
  logger.addContext(context);
  try {
    const invocation = { operation: spec.name, context, config: await configFor(spec), deadline };
    const answer = await withDeadline(deadline, () => work(invocation));
    logger.info('request', { operation: spec.name, status: adapter.status(answer), ms: Date.now() - started });
    return answer;
  } catch (thrown) {
    const error = withinDeadline(thrown, deadline);
    const failure = toHttpFailure(error);
    const attributes = { operation: spec.name, status: failure.status, code: failure.code, ms: Date.now() - started };
    // A protocol's own refusal (OAuth) is an answer the protocol defines, not a failure.
    if (error instanceof ProtocolError) logger.info('request', attributes);
    else if (failure.expose) logger.warn('request failed', attributes);
    else logger.error('request failed', { ...attributes, ...describeError(error) });
    return adapter.fail(failure, error, context);
  } finally {
    clearSecrets();
    // A metric that cannot be written must not change the answer.
    await flushMetrics().catch((error: unknown) => logger.error('metrics not written', describeError(error)));
    logger.resetKeys();
  }
}
