import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { METRIC, type MetricName } from '#lib/metrics';
import { SERVICE } from '#lib/service';
import type { CreatedUser } from '../../emulator/control-client.ts';
import { metricsNamespace } from '../../scripts/alarms.ts';
import { type AgentProcess, recordArgsProgram, startAgent } from '../support/agent-process.ts';
import { newUser, post } from '../support/api.ts';
import { launchOutcome } from '../support/launch.ts';
import { recorderProgram } from '../support/recorder-program.ts';

const logFile = inject('functionLogFile');

/** The embedded-metric-format lines written after byte `from`: each metric's total, for the stage's namespace. */
async function metricsSince(from: number): Promise<Map<string, number>> {
  const totals = new Map<string, number>();
  const text = (await readFile(logFile)).subarray(from).toString('utf8');
  for (const line of text.split('\n')) {
    if (!line.startsWith('{"_aws"')) continue;
    const entry = JSON.parse(line) as Record<string, any>;
    for (const directive of entry._aws.CloudWatchMetrics) {
      expect(directive.Namespace).toBe(metricsNamespace('dev'));
      expect(entry.service).toBe(SERVICE);
      for (const { Name } of directive.Metrics) totals.set(Name, (totals.get(Name) ?? 0) + Number(entry[Name]));
    }
  }
  return totals;
}

async function waitForMetrics(from: number, expected: Partial<Record<MetricName, number>>) {
  await vi.waitFor(
    async () => {
      const totals = await metricsSince(from);
      for (const [name, value] of Object.entries(expected)) expect(totals.get(name), name).toBe(value);
    },
    { timeout: 15_000, interval: 200 },
  );
}

describe('operating metrics in the functions’ logs (CloudWatch embedded metric format)', () => {
  let user: CreatedUser;
  let agent: AgentProcess;

  beforeAll(async () => {
    user = await newUser();
    const recordFile = join(await mkdtemp(join(tmpdir(), 'record-')), 'args.jsonl');
    agent = await startAgent({
      catalog: { apps: { recorder: { command: recorderProgram(), args: [recordArgsProgram, recordFile] } } },
      name: 'metrics-laptop',
    });
    const [, code] = await agent.waitFor(/Pairing code: (\S+)/);
    expect((await post('/api/agent/pair', { token: user.token, body: { code } })).status).toBe(200);
    await agent.waitFor(/Connected to ws:/);
  });
  afterAll(() => agent?.stop());

  it('counts a mail sent, and a Gmail error', async () => {
    const from = (await stat(logFile)).size;
    const sent = await post('/api/email/send', {
      token: user.token,
      body: { to: 'friend@example.com', subject: 'Counted', body: 'Once.' },
    });
    expect(sent.status).toBe(200);
    const missing = await post('/api/email/reply', {
      token: user.token,
      body: { message_id: 'ffffffffffffffff', body: 'x' },
    });
    expect(missing.status).toBe(404);
    await waitForMetrics(from, { [METRIC.mailSent]: 1, [METRIC.googleError]: 1 });
  });

  it('counts a launch the computer took, and one it refused', async () => {
    const from = (await stat(logFile)).size;
    const launched = await post('/api/app/launch', { token: user.token, body: { app_name: 'recorder' } });
    expect(await launchOutcome(launched, user.token)).toMatchObject({ success: true });
    const refused = await post('/api/app/launch', { token: user.token, body: { app_name: 'not-in-the-catalog' } });
    expect(await launchOutcome(refused, user.token)).toMatchObject({ success: false });
    await waitForMetrics(from, { [METRIC.launchDelivered]: 2, [METRIC.launchRefused]: 1 });
  });
});
