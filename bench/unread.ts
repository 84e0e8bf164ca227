import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createGmailClient, type GmailClient } from '#lib/gmail/client';
import { listUnread } from '#lib/gmail/unread';
import { htmlMail, mailWithAttachment, pathologicalHtml, plainMail } from '../tests/support/hostile-mail.ts';
import { compareAtLatency, oneGetAfterAnother, withEmulator } from './gmail-emulator.ts';
import { median, type Row } from './report.ts';

/**
 * The unread path against the embedded emulator with Gmail-like latency added: wall time
 * and sequential round trips of ours against the original service's one-call-after-another,
 * both measured in this run.
 */
export async function benchUnread(latencyMs: number, limits: number[], repeats: number): Promise<Row[]> {
  const runs = await compareAtLatency(
    {
      name: 'unread',
      subject: 'Mail',
      baselineName: 'original: one get after another',
      ours: (gmail, limit) => listUnread(gmail, { limit }),
      baseline: (gmail, limit) => oneGetAfterAnother(gmail, 'is:unread in:inbox', limit),
    },
    { latencyMs, limits, repeats },
  );
  return runs.map((run) => run.row);
}

/** One hostile-against-plain timing, for results.json. */
export interface HostileFigure {
  pattern: string;
  bytes: number;
  hostileMs: number;
  plainMs: number;
  ratio: number;
}

/**
 * Unread for one 1 MB mail of pathological HTML against one 1 MB plain-text mail, same
 * path, same run (no added latency: this measures our own work). Near 1 means a crafted
 * mail costs no more than an honest one of its size.
 */
export async function benchHostileUnread(
  bytes: number,
  repeats: number,
): Promise<{ rows: Row[]; figures: HostileFigure[] }> {
  return withEmulator(async ({ control, config }) => {
    const inbox = async (name: string, raw: string) => {
      const user = await control.createUser({ email: `${name}@example.com` });
      await control.seedMessage({ email: user.email, raw });
      return createGmailClient({ accessToken: user.token }, config);
    };
    const time = async (gmail: GmailClient) => {
      const times: number[] = [];
      for (let r = 0; r < repeats; r += 1) {
        const started = performance.now();
        const page = await listUnread(gmail, { limit: 1 });
        times.push(performance.now() - started);
        if (page.emails.length !== 1) throw new Error('the benchmark mail was not listed');
      }
      return median(times);
    };
    const plain = await inbox('plain', plainMail('Plain', bytes));
    const figures: HostileFigure[] = [];
    for (const [pattern, html] of Object.entries(pathologicalHtml(bytes))) {
      const hostile = await inbox(`hostile-${pattern}`, htmlMail(`Hostile ${pattern}`, html));
      // Interleaved so machine noise hits both sides alike.
      const hostileMs = await time(hostile);
      const plainMs = await time(plain);
      figures.push({ pattern, bytes, hostileMs, plainMs, ratio: hostileMs / plainMs });
    }
    const rows = figures.map((figure) => ({
      name: `unread, one ${(bytes / 1e6).toFixed(0)} MB HTML mail of '${figure.pattern}'`,
      value: `${figure.hostileMs.toFixed(0)} ms`,
      baseline: `one ${(bytes / 1e6).toFixed(0)} MB plain-text mail ${figure.plainMs.toFixed(0)} ms`,
      ratio: figure.ratio,
    }));
    return { rows, figures };
  });
}

/** Peak memory of one unread call, for results.json. */
export interface MemoryFigure {
  limit: number;
  attachmentMb: number;
  peakRssMb: number;
  idleRssMb: number;
  /** The former format=raw path, where measured (small limits only: it grows with every attachment). */
  rawPeakRssMb: number | null;
}

const CHILD = fileURLToPath(new URL('unread-memory-child.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../node_modules/tsx/dist/cli.mjs', import.meta.url));

/** Runs the child (asynchronously: the emulator answering it lives in this process). */
async function childPeak(url: string, token: string, limit: number, mode: 'ours' | 'raw' | 'idle'): Promise<number> {
  const { stdout } = await promisify(execFile)(process.execPath, [TSX, CHILD, url, token, String(limit), mode], {
    encoding: 'utf8',
    maxBuffer: 1024 * 1024,
  });
  return (JSON.parse(stdout) as { peakRssMb: number }).peakRssMb;
}

/**
 * Peak resident memory of a fresh process listing `limit` unread mails that each carry an
 * attachment of `attachmentBytes`, against the same process loading the same code and
 * listing nothing; the old whole-message (format=raw) path is measured beside it for the
 * limits in `rawLimits`.
 */
export async function benchUnreadMemory(
  limits: number[],
  attachmentBytes: number,
  rawLimits: number[],
): Promise<{ rows: Row[]; figures: MemoryFigure[] }> {
  return withEmulator(async ({ url, control }) => {
    const figures: MemoryFigure[] = [];
    const idleUser = await control.createUser({ email: 'memory-idle@example.com' });
    const idleRssMb = await childPeak(url, idleUser.token, 1, 'idle');
    for (const limit of limits) {
      const user = await control.createUser({ email: `memory-${limit}@example.com` });
      await control.seedMessage({
        email: user.email,
        raw: mailWithAttachment('Invoice', 'Your invoice is attached.', attachmentBytes),
        copies: limit,
      });
      figures.push({
        limit,
        attachmentMb: attachmentBytes / 1024 / 1024,
        peakRssMb: await childPeak(url, user.token, limit, 'ours'),
        idleRssMb,
        rawPeakRssMb: rawLimits.includes(limit) ? await childPeak(url, user.token, limit, 'raw') : null,
      });
    }
    const rows = figures.map((figure) => ({
      name: `unread peak RSS, limit ${figure.limit}, ${figure.attachmentMb} MiB attachment each`,
      value: `${figure.peakRssMb.toFixed(0)} MB${figure.rawPeakRssMb === null ? '' : ` (format=raw way: ${figure.rawPeakRssMb.toFixed(0)} MB)`}`,
      baseline: `same process listing nothing ${figure.idleRssMb.toFixed(0)} MB`,
      ratio: figure.peakRssMb / figure.idleRssMb,
    }));
    return { rows, figures };
  });
}
