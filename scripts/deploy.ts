/**
 * `npm run deploy -- --stage prod [--region eu-west-1] [--check]`: checks what the
 * deployment needs before touching AWS (scripts/deploy/preflight.ts) and stops with one
 * line and one fixing command per missing item; otherwise builds, deploys with serverless,
 * and on a first deploy deploys again with PUBLIC_URL set to the API's URL (the MCP
 * sign-in names it to Google, and it is known only once the API exists). Ends with what to
 * paste where. `--check` stops after the checks.
 */
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { buildAll } from './build.ts';
import { type DeployTarget, preflight } from './deploy/preflight.ts';
import { addressesToPaste, deployedApiUrl } from './deploy/stack.ts';

const USAGE = `Usage: npm run deploy -- --stage <stage> [--region <region>] [--alarm-email <address>] [--check]

Checks AWS credentials, the stage's SecureString parameters and GOOGLE_CLIENT_ID, then
builds and deploys the broker to AWS. --check stops after the checks.
Region: --region, else AWS_REGION, else us-east-1. PUBLIC_URL (a custom domain) wins over
the API's own URL. --alarm-email (or ALARM_EMAIL) creates the alarms and mails them there.`;

function serverless(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('serverless', args, { stdio: 'inherit', env });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`serverless ${args[0]} exited ${code}`))));
  });
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      stage: { type: 'string' },
      region: { type: 'string' },
      check: { type: 'boolean', default: false },
      'alarm-email': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.stage) {
    console.error(`--stage is required (for example --stage prod).\n\n${USAGE}`);
    return 2;
  }
  const target: DeployTarget = { stage: values.stage, region: values.region ?? process.env.AWS_REGION ?? 'us-east-1' };
  const { account, problems } = await preflight(target, process.env);
  if (problems.length) {
    console.error(
      `Not deploying stage ${target.stage} to ${target.region}: ${problems.length} thing(s) to fix first.\n`,
    );
    for (const problem of problems) console.error(`✗ ${problem.what}\n${indent(problem.fix)}\n`);
    return 1;
  }
  console.log(`✓ AWS account ${account}, region ${target.region}; parameters and GOOGLE_CLIENT_ID in place.`);
  const alarmEmail = values['alarm-email'] ?? process.env.ALARM_EMAIL;
  console.log(
    alarmEmail
      ? `✓ Alarms will mail ${alarmEmail} (confirm the subscription AWS sends there).`
      : '· No --alarm-email: the stage is deployed without alarms (docs/deploy.md, "Alarms").',
  );
  if (values.check) return 0;

  const args = ['deploy', '--stage', target.stage, '--region', target.region];
  const env = { ...process.env, ...(alarmEmail ? { ALARM_EMAIL: alarmEmail } : {}) };
  let publicUrl = process.env.PUBLIC_URL || (await deployedApiUrl(target));
  await buildAll();
  await serverless(args, { ...env, ...(publicUrl ? { PUBLIC_URL: publicUrl } : {}) });
  if (!publicUrl) {
    publicUrl = await deployedApiUrl(target);
    if (!publicUrl) throw new Error('the stack has no HttpApiUrl output after deploying');
    console.log(`\nFirst deploy: deploying again with PUBLIC_URL=${publicUrl} for the MCP sign-in.\n`);
    await serverless(args, { ...env, PUBLIC_URL: publicUrl });
  }
  console.log(`\nDeployed stage ${target.stage}. Paste these where they go:`);
  for (const { label, url } of addressesToPaste(publicUrl)) console.log(`  ${label}:\n    ${url}`);
  return 0;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`Deploy failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
