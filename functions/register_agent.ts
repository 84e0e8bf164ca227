import { type Action, apiHandler } from '#lib/http/api-handler';
import { withStatus } from '#lib/http/response';
import { registerAgent } from '#lib/jobs/agents';
import { brokerKeys } from '#lib/jobs/broker-key';
import { storeFor } from '#lib/jobs/table';
import { operations } from '#lib/operations';

/** How often an unpaired agent asks whether its code was confirmed (RFC 8628's 5 s is slow for a person waiting). */
const UNPAIRED_POLL_INTERVAL_MS = 2_000;

/**
 * A desktop agent introduces its public key and gets a one-time
 * pairing code to show its user, plus the broker key it must pin to verify jobs.
 */
export const run: Action<typeof operations.register_agent> = async ({ body, config, event }) => {
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

export const handler = apiHandler(operations.register_agent, run);
