import { BrokerError } from '../errors.ts';
import type { Label } from '../schemas/mailbox.ts';
import type { GmailClient } from './client.ts';
import { type GmailOperationOptions, operationSignal } from './deadline.ts';
import { gmailCall } from './errors.ts';

/** The user's labels, system ones first, then their own by name. */
export async function listLabels(gmail: GmailClient, options: GmailOperationOptions = {}): Promise<Label[]> {
  const signal = operationSignal(options);
  const { data } = await gmailCall({}, () =>
    gmail.users.labels.list({ userId: 'me', fields: 'labels(id,name,type)' }, { signal }),
  );
  return (data.labels ?? [])
    .flatMap((label): Label[] =>
      label.id ? [{ id: label.id, name: label.name ?? label.id, type: label.type === 'user' ? 'user' : 'system' }] : [],
    )
    .sort((a, b) => (a.type === b.type ? a.name.localeCompare(b.name) : a.type === 'system' ? -1 : 1));
}

/** Label names compare as Gmail's search does: case-insensitive, spaces, '/' and '-' alike. */
const normalize = (name: string) =>
  name
    .trim()
    .toLowerCase()
    .replace(/[\s/_-]+/g, '-');

/**
 * The Gmail label ids of label names (or ids) the user gave, from their own label list.
 *
 * @throws BrokerError `invalid_request` naming every label that does not exist.
 */
export function labelIdsFor(names: readonly string[], labels: readonly Label[]): string[] {
  const missing: string[] = [];
  const ids = names.flatMap((name) => {
    const found =
      labels.find((label) => label.name === name || label.id === name) ??
      labels.find((label) => normalize(label.name) === normalize(name));
    if (!found) missing.push(name);
    return found ? [found.id] : [];
  });
  if (missing.length > 0) {
    throw new BrokerError('invalid_request', `No label named ${missing.map((name) => `"${name}"`).join(', ')}.`, {
      details: missing.map((name) => ({
        field: 'labels',
        message: `no label named "${name}" (list_labels shows them)`,
      })),
    });
  }
  return [...new Set(ids)];
}
