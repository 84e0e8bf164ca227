import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as z from '#lib/zod';
import { writeJsonAtomic } from './json-file.ts';
import { AgentState } from './state.ts';

/**
 * The name each registration was made under, per broker, beside the state: a computer's
 * name is set when it registers, and the broker has no way to change it afterwards, so a
 * different `--name` on a registered computer is said to be ignored, and why, instead of
 * being ignored silently.
 */

export const NAME_FILE = 'registered-name.json';

const NameFile = z.record(z.string(), z.string());

export interface NameCheck {
  stateDir: string;
  brokerUrl: string;
  name: string;
  /** Whether `--name` was given (a default host name is never worth a notice). */
  nameGiven: boolean;
  /** `--reset`: the agent registers again, under `name`. */
  reset: boolean;
  now: number;
}

/**
 * Records the name a coming registration will use, or, for a registered computer given
 * another `--name`, the line that says it is not applied and how to get it. Reads the
 * state as the agent does (a StateError surfaces the same way).
 */
export async function checkRegisteredName(check: NameCheck): Promise<string | undefined> {
  const state = await AgentState.open(check.stateDir, check.now);
  const file = path.join(check.stateDir, NAME_FILE);
  const names = await readFile(file, 'utf8').then(
    (text) => NameFile.safeParse(JSON.parse(text)).data ?? {},
    () => ({}) as Record<string, string>,
  );
  const registered = state.registrationFor(check.brokerUrl);
  if (check.reset || registered === undefined) {
    await writeJsonAtomic(file, { ...names, [check.brokerUrl]: check.name }, { durable: false });
    return undefined;
  }
  const recorded = names[check.brokerUrl];
  if (!check.nameGiven || recorded === check.name) return undefined;
  return (
    `--name "${check.name}" is not applied: this computer is already registered with ${check.brokerUrl}` +
    `${recorded === undefined ? '' : ` as "${recorded}"`}, and the broker cannot rename a registered computer. ` +
    'To use the new name, run once with --reset and pair again (then unpair the old entry in ChatGPT).'
  );
}
