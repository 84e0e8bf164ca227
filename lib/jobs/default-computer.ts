import { keys, type Store, updateIf } from '../store/table.ts';
import { listComputers } from './pairing.ts';

const mark = (store: Store, userId: string, agentId: string, isDefault: boolean) =>
  updateIf(store, {
    Key: keys.userAgent(userId, agentId),
    UpdateExpression: 'SET is_default = :value',
    // Only an existing pairing of this user: never creates an item.
    ConditionExpression: 'attribute_exists(pk)',
    ExpressionAttributeValues: { ':value': isDefault },
  });

/**
 * Makes one of the user's paired computers the one launch_app uses when a call names none.
 * The new default is marked first, then the old one cleared: in between, launches may still
 * go to the old default (the first marked one found), never to no computer. False when the
 * user has no computer with that agent id (another user's included): nothing changes.
 */
export async function setDefaultComputer(store: Store, userId: string, agentId: string): Promise<boolean> {
  if (!(await mark(store, userId, agentId, true))) return false;
  for (const other of await listComputers(store, userId)) {
    if (other.is_default && other.agent_id !== agentId) await mark(store, userId, other.agent_id, false);
  }
  return true;
}
