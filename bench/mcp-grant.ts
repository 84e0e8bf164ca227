import type { Config } from '../lib/config.ts';
import { toolNames } from '../lib/grants/scopes.ts';
import { type GrantRecord, grants, newGrantId } from '../lib/oauth/records.ts';
import { keyWrapper, seal } from '../lib/oauth/sealing.ts';
import type { Store } from '../lib/store/table.ts';

/**
 * Writes a bench user's grant of every tool for `resource` to the table, as consent would,
 * with the user's Google refresh token sealed in it; valid for an hour.
 */
export async function putBenchGrant(
  store: Store,
  config: Config,
  who: { userId: string; clientId: string; clientName: string; resource: string; googleRefreshToken: string },
  refreshable?: true,
): Promise<GrantRecord> {
  const grantId = newGrantId();
  const now = Date.now();
  const { googleRefreshToken, ...names } = who;
  const grant: GrantRecord = {
    grantId,
    ...names,
    tools: [...toolNames],
    googleScopes: [],
    googleRefreshToken: await seal(await keyWrapper(config), googleRefreshToken, grantId),
    ...(refreshable ? { refreshable } : {}),
    createdAt: now,
    expiresAt: now + 3_600_000,
  };
  await grants.put(store, grant);
  return grant;
}
