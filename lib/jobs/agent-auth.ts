import {
  AGENT_HEADERS,
  REQUEST_SKEW_MS,
  type ReceivedRequest,
  requestAgentId,
  verifyRequest,
} from '../agent-wire/signing.ts';
import { BrokerError } from '../errors.ts';
import type { Store } from '../store/table.ts';
import { type AgentRecord, getAgent } from './agents.ts';
import { spendNonce } from './nonces.ts';

const HEADER_NAMES = Object.values(AGENT_HEADERS);

const REASONS = {
  missing_headers: `Agent requests must carry ${HEADER_NAMES.slice(0, -1).join(', ')} and ${HEADER_NAMES.at(-1)}.`,
  bad_signature: "The request signature does not match the agent's registered key.",
  stale_timestamp: `The request timestamp is more than ${REQUEST_SKEW_MS / 1000} s from the broker's clock (check the computer's time).`,
  replayed: 'This request was already received once (its nonce is spent).',
} as const;

function refuse(reason: keyof typeof REASONS): BrokerError {
  return new BrokerError('invalid_token', REASONS[reason], { details: { reason } });
}

/**
 * The agent that signed this request (an HTTP request, or the WebSocket's connect), after
 * checking its Ed25519 signature over method, path, timestamp, nonce and body hash against
 * the key it registered, the timestamp against the skew window, and that the nonce was
 * never used before: a captured request cannot be sent again.
 */
export async function authenticateAgent(store: Store, request: ReceivedRequest, now: number): Promise<AgentRecord> {
  const agentId = requestAgentId(request.headers);
  if (!agentId) throw refuse('missing_headers');
  const agent = await getAgent(store, agentId);
  if (!agent)
    throw new BrokerError('invalid_token', 'Unknown agent: register again.', { details: { reason: 'unknown_agent' } });
  const verification = verifyRequest(request, agent.public_key, { now, maxSkewMs: REQUEST_SKEW_MS });
  if (!verification.ok) throw refuse(verification.reason);
  if (!(await spendNonce(store, agent.agent_id, verification.nonce, verification.timestamp))) throw refuse('replayed');
  return agent;
}
