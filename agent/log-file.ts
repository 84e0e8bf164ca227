import { appendFileSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * The agent's log file in its state directory (`agent.log`, then `agent.log.1` ...), capped
 * in size and rotated, so an agent left running for months keeps a bounded, recent log.
 * Lines are written synchronously: the agent logs a few lines a minute at most, and a line
 * must not be lost when the process is stopped right after writing it.
 *
 * It receives the same lines as the terminal, which never hold job arguments (the agent
 * prints app names and job ids only) or keys; `redactLogLine` also hides pairing codes
 * and anything shaped like a key, in case a later message forgets.
 */

export const LOG_FILE = 'agent.log';
/** 1 MB per file, three files: at most 3 MB, and the last several thousand lines. */
export const LOG_MAX_BYTES = 1_000_000;
export const LOG_FILES = 3;

export interface LogFileOptions {
  maxBytes?: number;
  files?: number;
  now?: () => number;
}

/** Returns a writer of timestamped lines to `<stateDir>/agent.log`; a failed write is dropped. */
export function openLogFile(stateDir: string, options: LogFileOptions = {}): (line: string) => void {
  const file = path.join(stateDir, LOG_FILE);
  const maxBytes = options.maxBytes ?? LOG_MAX_BYTES;
  const files = options.files ?? LOG_FILES;
  const now = options.now ?? Date.now;
  let size: number | undefined;
  return (line) => {
    const text = `${new Date(now()).toISOString()} ${redactLogLine(line)}\n`;
    try {
      if (size === undefined) {
        mkdirSync(stateDir, { recursive: true, mode: 0o700 });
        size = sizeOf(file);
      }
      const bytes = Buffer.byteLength(text);
      if (size > 0 && size + bytes > maxBytes) {
        rotate(file, files);
        size = 0;
      }
      appendFileSync(file, text, { mode: 0o600 });
      size += bytes;
    } catch {
      // A full disk or a removed directory must not stop the agent; the terminal still has it.
      size = undefined;
    }
  };
}

/** Hides pairing codes and long base64 runs (keys, signatures) in a log line. */
export function redactLogLine(line: string): string {
  return (
    line
      // Codes are upper case (BCDF-GHJK): "The code works until" stays readable.
      .replace(
        /([Pp]airing code:? |\bcode |"code":\s*")[A-Z0-9][A-Z0-9-]{3,63}\b/g,
        '$1[pairing code: see "agent status"]',
      )
      .replace(/[A-Za-z0-9+/]{40,}={0,2}/g, (run) =>
        // Base64 of random bytes mixes digits and both cases; a long path rarely does.
        /\d/.test(run) && /[A-Z]/.test(run) && /[a-z]/.test(run) ? '[redacted]' : run,
      )
  );
}

/** agent.log.2 -> .3 (dropped past `files`), .1 -> .2, agent.log -> .1. */
function rotate(file: string, files: number): void {
  rmSync(`${file}.${files - 1}`, { force: true });
  for (let index = files - 2; index >= 1; index--) {
    try {
      renameSync(`${file}.${index}`, `${file}.${index + 1}`);
    } catch {
      // Not there yet.
    }
  }
  renameSync(file, `${file}.1`);
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
