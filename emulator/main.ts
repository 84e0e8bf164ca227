import { parseArgs } from 'node:util';
import { DEMO_USER } from './demo.ts';
import { startGoogleEmulator } from './server.ts';

/**
 * `npx tsx emulator/main.ts [--port N] [--host H]`: runs the emulator with the demo
 * mailbox until SIGINT or SIGTERM.
 */

const HELP = `Usage: npx tsx emulator/main.ts [--port N] [--host H]

Starts the embedded Google emulator (Gmail REST subset, OAuth token endpoints,
control API under /__emulator/) with the demo mailbox seeded.

  --port N   port to listen on (default 0: any free port)
  --host H   interface to bind (default 127.0.0.1)
  --help     show this help`;

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help === true) {
  console.log(HELP);
  process.exit(0);
}

const port = values.port === undefined ? 0 : Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`--port must be an integer from 0 to 65535, got ${values.port}`);
  process.exit(2);
}

const emulator = await startGoogleEmulator({
  port,
  seedDemo: true,
  ...(values.host === undefined ? {} : { host: values.host }),
});
console.log(`Google emulator listening on ${emulator.url}`);
console.log(`Demo user ${DEMO_USER.email}, access token ${DEMO_USER.token}`);
console.log(
  `Try: curl -H 'Authorization: Bearer ${DEMO_USER.token}' '${emulator.url}/gmail/v1/users/me/messages?q=is:unread'`,
);

let stopping = false;
const stop = (signal: string) => {
  // A second signal while closing means "now".
  if (stopping) process.exit(1);
  stopping = true;
  console.log(`${signal} received, stopping the Google emulator`);
  emulator.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
