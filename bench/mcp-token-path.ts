import { parseConfig } from '#lib/config';
import { authenticateMcp, freshGoogleToken } from '#lib/oauth/grant-access';
import { type GrantRecord, grants } from '#lib/oauth/records';
import { googleTokenForIssue, issueTokens } from '#lib/oauth/token';
import { storeFor } from '#lib/store/table';
import { startLocalDynamo } from '../local/dynamo.ts';
import { temporaryTokenKeyFile } from '../local/stack.ts';
import { timedRuns, withEmulator } from './gmail-emulator.ts';
import { putBenchGrant } from './mcp-grant.ts';
import type { Row } from './report.ts';

const RESOURCE = 'https://broker.example/mcp';

/** What authorizing one /mcp request cost: median wall time and the calls it made (last repeat). */
interface PathCost {
  ms: number;
  /** DynamoDB requests (reads, and the writes of issuing). */
  table_requests: number;
  google_token_calls: number;
  /** KMS Decrypt calls (locally a key file stands in for KMS, so their time is not in `ms`). */
  kms_decrypts: number;
}

/**
 * The token side of a tool call on /mcp, against dynalite and the Google emulator with
 * `googleLatencyMs` added to Google's token endpoint. Ours: one table read and opening the
 * Google token sealed in the broker token. The baseline, rebuilt from the same pieces in
 * the same run, is what each call did before: the token and the grant read, and on a
 * fresh instance also the sealed refresh token opened (KMS Decrypt) and Google's token
 * endpoint called. Also what /oauth/token now pays per token it issues.
 */
export async function benchMcpTokenPath(googleLatencyMs: number, repeats: number) {
  const dynamo = await startLocalDynamo({ tableName: 'bench-mcp-token-path' });
  try {
    return await withEmulator(async ({ url, control }) => {
      const config = {
        ...parseConfig({
          GMAIL_API_URL: `${url}/`,
          GOOGLE_OAUTH_URL: `${url}/`,
          GOOGLE_CLIENT_ID: 'bench.apps.googleusercontent.com',
          DYNAMODB_ENDPOINT: dynamo.endpoint,
          TABLE_NAME: 'bench-mcp-token-path',
          TOKEN_KEY_FILE: await temporaryTokenKeyFile(),
        }),
        GOOGLE_CLIENT_SECRET: 'bench-secret',
      };
      const store = storeFor(config);
      const user = await control.createUser({ email: 'bench-mcp@example.com' });
      const grant = await putBenchGrant(
        store,
        config,
        {
          userId: 'bench-user',
          clientId: 'bench-client',
          clientName: 'Bench',
          resource: RESOURCE,
          googleRefreshToken: user.refreshToken,
        },
        true,
      );
      const { grantId } = grant;
      await control.setLatency(googleLatencyMs, '/token');

      const measure = async (run: () => Promise<unknown>, kmsDecrypts: number): Promise<PathCost> => {
        const before = dynamo.requestCount();
        const { ms, requests } = await timedRuns(control, repeats, run);
        return {
          ms: Math.round(ms * 10) / 10,
          // Every run makes the same calls.
          table_requests: (dynamo.requestCount() - before) / repeats,
          google_token_calls: requests.filter((request) => request.path.endsWith('/token')).length,
          kms_decrypts: kmsDecrypts,
        };
      };

      let bearer = '';
      const issue = await measure(async () => {
        bearer = (await issueTokens(store, config, grant, await googleTokenForIssue(store, config, grant)))
          .access_token;
      }, 1);
      const authorization = () => authenticateMcp(store, `Bearer ${bearer}`, RESOURCE);
      const ours = await measure(authorization, 0);
      const warmBefore = await measure(async () => {
        await authorization();
        await grants.get(store, grantId);
      }, 0);
      const coldBefore = await measure(async () => {
        await authorization();
        await freshGoogleToken(store, config, (await grants.get(store, grantId)) as GrantRecord);
      }, 1);
      const describe = (cost: PathCost) =>
        `${cost.ms.toFixed(1)} ms, ${cost.table_requests} table requests, ${cost.google_token_calls} Google token calls, ${cost.kms_decrypts} KMS Decrypt`;
      const rows: Row[] = [
        {
          name: 'tool call, any instance (token side)',
          value: describe(ours),
          baseline: `before, first call of a fresh instance: ${describe(coldBefore)}`,
          ratio: ours.ms / coldBefore.ms,
        },
        {
          name: 'tool call, warm instance (token side)',
          value: describe(ours),
          baseline: `before, warm: ${describe(warmBefore)}`,
          ratio: ours.ms / warmBefore.ms,
        },
        {
          name: '/oauth/token issuing a token pair (now also gets the Google token)',
          value: describe(issue),
          baseline: `what a fresh instance's first tool call paid before: ${describe(coldBefore)}`,
          ratio: issue.ms / coldBefore.ms,
        },
      ];
      const results = {
        google_token_latency_ms: googleLatencyMs,
        repeats,
        tool_call: ours,
        before: { warm: warmBefore, first_call_of_fresh_instance: coldBefore },
        token_issue: issue,
        measured_at: new Date().toISOString(),
      };
      return { rows, results };
    });
  } finally {
    await dynamo.close();
  }
}
