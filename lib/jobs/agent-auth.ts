import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { REQUEST_SKEW_MS } from '../agent-protocol.ts';
import { BrokerError } from '../errors.ts';
import { type AgentRecord, getAgent } from './agents.ts';
import { requestAgentId, verifyRequest } from './signing.ts';
import type { Store } from './store.ts';

const REASONS = {
  missing_headers: 'Agent requests must carry x-agent-id, x-agent-timestamp and x-agent-signature.',
  bad_signature: "The request signature does not match the agent's registered key.",
  stale_timestamp: "The request timestamp is too far from the broker's clock (check the computer's time).",
} as const;

/**
 * The agent that signed this request, after checking its Ed25519 signature over method,
 * path, timestamp and body hash against the key it registered.
 */
export async function authenticateAgent(
  store: Store,
  event: APIGatewayProxyEventV2,
  rawBody: string,
  now: number,
): Promise<AgentRecord> {
  const agentId = requestAgentId(event.headers);
  if (!agentId) throw new BrokerError('invalid_token', REASONS.missing_headers);
  const agent = await getAgent(store, agentId);
  if (!agent)
    throw new BrokerError('invalid_token', 'Unknown agent: register again.', { details: { reason: 'unknown_agent' } });
  const verification = verifyRequest(
    { method: event.requestContext.http.method, path: event.rawPath, body: rawBody, headers: event.headers },
    agent.public_key,
    { now, maxSkewMs: REQUEST_SKEW_MS },
  );
  if (!verification.ok)
    throw new BrokerError('invalid_token', REASONS[verification.reason], { details: { reason: verification.reason } });
  return agent;
}
