#!/usr/bin/env node
import { main } from './cli.ts';

/** Entry point: hands the real process to `main` and exits with its code. */
const code = await main({
  argv: process.argv.slice(2),
  env: process.env,
  platform: process.platform,
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
  onSignal: (handler) => {
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
    return () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    };
  },
  exit: (exitCode) => process.exit(exitCode),
});
process.exitCode = code;
