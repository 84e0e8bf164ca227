import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { parseConfig } from '#lib/config';
import { pairAgent, registerAgent } from '#lib/jobs/agents';
import { generateSigningKeyPair, signRequest } from '#lib/jobs/signing';
import { storeFor } from '#lib/jobs/table';
import { operations } from '#lib/operations';
import { run as poll } from '../functions/poll_agent_jobs.ts';
import { startLocalDynamo } from '../local/dynamo.ts';
import type { Row } from './report.ts';

/** us-east-1 list prices (AWS pricing pages, 2025-2026); change them here if yours differ. */
export const PRICES = {
  lambdaArmGbSecond: 0.0000133334,
  lambdaRequest: 0.2 / 1e6,
  httpApiRequest: 1.0 / 1e6,
  /** A strongly consistent read of up to 4 KB is one read request unit. */
  dynamoRead: 0.125 / 1e6,
  dynamoWrite: 0.625 / 1e6,
};
/** The poll function's memory, as the registry deploys it. */
export const POLL_MEMORY_GB = (operations.poll_agent_jobs.memorySize ?? 512) / 1024;
const SECONDS_PER_MONTH = 30 * 86_400;

export interface IdlePollFigures {
  holdMs: number;
  dynamoCalls: number;
  monthlyUsd: number;
}

/**
 * One idle poll through the real handler code against dynalite: how long it holds, how
 * many DynamoDB calls it makes, and what an agent doing that all month costs on AWS.
 * The baseline is short polling (the poll answers at once; the agent asks every 2 s),
 * measured the same way in the same run.
 */
export async function benchIdlePoll(
  holdMs: number,
): Promise<{ rows: Row[]; longPoll: IdlePollFigures; shortPoll: IdlePollFigures }> {
  const table = 'bench-idle-poll';
  const dynamo = await startLocalDynamo({ tableName: table });
  try {
    const config = parseConfig({
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      TABLE_NAME: table,
      POLL_WAIT_MS: String(holdMs),
    });
    const store = storeFor(config);
    const agentKey = generateSigningKeyPair();
    const { agent, pairingCode } = await registerAgent(
      store,
      { name: 'bench', platform: 'linux', public_key: agentKey.publicKey },
      Date.now(),
    );
    await pairAgent(store, { id: 'bench-user', email: undefined }, pairingCode, Date.now());

    const pollOnce = async (wait: number) => {
      const body = '{}';
      const headers = signRequest(
        { method: 'POST', path: operations.poll_agent_jobs.path, body, timestamp: Date.now(), agentId: agent.agent_id },
        agentKey.privateKey,
      );
      const event = {
        rawPath: operations.poll_agent_jobs.path,
        headers,
        requestContext: { http: { method: 'POST' } },
      } as unknown as APIGatewayProxyEventV2;
      const before = dynamo.requestCount();
      const started = performance.now();
      await poll({
        body: {},
        rawBody: body,
        event,
        config: { ...config, POLL_WAIT_MS: wait },
        credentials: { accessToken: '' },
        context: {} as Context,
        idempotencyKey: undefined,
      });
      return { ms: performance.now() - started, calls: dynamo.requestCount() - before };
    };
    await pollOnce(0); // the first poll only learns it is paired

    const monthly = (ms: number, calls: number, pollsPerMonth: number) =>
      pollsPerMonth *
      ((ms / 1000) * POLL_MEMORY_GB * PRICES.lambdaArmGbSecond +
        PRICES.lambdaRequest +
        PRICES.httpApiRequest +
        calls * PRICES.dynamoRead);

    const long = await pollOnce(holdMs);
    const longPoll = {
      holdMs: long.ms,
      dynamoCalls: long.calls,
      monthlyUsd: monthly(long.ms, long.calls, SECONDS_PER_MONTH / (long.ms / 1000)),
    };
    const short = await pollOnce(0);
    const shortInterval = 2;
    const shortPoll = {
      holdMs: short.ms,
      dynamoCalls: short.calls,
      monthlyUsd: monthly(short.ms, short.calls, SECONDS_PER_MONTH / shortInterval),
    };
    const rows: Row[] = [
      {
        name: 'idle agent, long poll',
        value: `held ${(long.ms / 1000).toFixed(1)} s, ${long.calls} DynamoDB calls per poll, about $${longPoll.monthlyUsd.toFixed(2)} per agent-month`,
        baseline: `short poll every ${shortInterval} s: ${short.ms.toFixed(0)} ms and ${short.calls} calls per poll, about $${shortPoll.monthlyUsd.toFixed(2)} per agent-month`,
        ratio: longPoll.monthlyUsd / shortPoll.monthlyUsd,
      },
    ];
    return { rows, longPoll, shortPoll };
  } finally {
    await dynamo.close();
  }
}
