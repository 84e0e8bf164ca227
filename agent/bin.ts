#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { userInfo } from 'node:os';
import { main } from './cli.ts';
import type { AgentProgram } from './service/plan.ts';

/** Entry point: hands the real process to `main` and exits with its code. */

/** What runs this agent, for `install`: a single executable, node + the bundle, or (from source) nothing installable. */
function agentProgram(): AgentProgram | undefined {
  // node:sea exists from Node 20.12; getBuiltinModule from 20.16 (older Nodes are no SEA).
  const sea = process.getBuiltinModule?.('node:sea') as { isSea(): boolean } | undefined;
  if (sea?.isSea() === true) return { kind: 'executable', path: process.execPath };
  const script = process.argv[1];
  if (script === undefined || !/\.(mjs|cjs|js)$/.test(script)) return undefined;
  return { kind: 'script', node: process.execPath, script: realpathSync(script) };
}

function currentUser(): string | undefined {
  const domain = process.env.USERDOMAIN;
  const name = userInfo().username;
  return process.platform === 'win32' && domain !== undefined ? `${domain}\\${name}` : name;
}

/**
 * A line writer for `stream` that goes quiet once its reader has gone (`status | head`:
 * EPIPE), instead of crashing with a stack trace; the command ends as it would have, and
 * a running agent keeps its log file. Any other write error is still thrown.
 */
function lineWriter(stream: NodeJS.WriteStream): (line: string) => void {
  let closed = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    closed = true;
  });
  return (line) => {
    if (!closed) stream.write(`${line}\n`);
  };
}

// No top-level await: the single-executable build is CommonJS.
void main({
  argv: process.argv.slice(2),
  env: process.env,
  platform: process.platform,
  stdout: lineWriter(process.stdout),
  stderr: lineWriter(process.stderr),
  onSignal: (handler) => {
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
    return () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    };
  },
  exit: (exitCode) => process.exit(exitCode),
  program: agentProgram(),
  uid: process.getuid?.(),
  user: currentUser(),
}).then((code) => {
  process.exitCode = code;
});
