import type { Action } from '../../http/api-handler.ts';
import { withStatus } from '../../http/response.ts';
import { registerAgent } from '../../jobs/agents.ts';
import { brokerKeys } from '../../jobs/broker-key.ts';
import type { operations } from '../../operations.ts';
import { storeFor } from '../../store/table.ts';

/** How often an unpaired agent asks whether its code was confirmed (RFC 8628's 5 s is slow for a person waiting). */
const UNPAIRED_POLL_INTERVAL_MS = 2_000;

/**
 * A desktop agent introduces its public key and gets a one-time
 * pairing code to show its user, plus the broker key it must pin to verify jobs.
 */
export const register_agent: Action<typeof operations.register_agent> = async ({ body, config, event }) => {
  const source = event.requestContext?.http?.sourceIp ?? 'unknown';
  const { agent, pairingCode, expiresAt } = await registerAgent(storeFor(config), body, Date.now(), {
    source,
    perHour: config.AGENT_REGISTRATIONS_PER_HOUR,
  });
  return withStatus(201, {
    agent_id: agent.agent_id,
    pairing_code: pairingCode,
    expires_at: expiresAt,
    broker_public_key: (await brokerKeys(config)).publicKey,
    poll_interval_ms: UNPAIRED_POLL_INTERVAL_MS,
    ...(config.AGENT_SOCKET_URL === undefined ? {} : { socket_url: config.AGENT_SOCKET_URL }),
  });
};
