import type { ComputerInfo } from '../schemas/apps.ts';
import type { Computer } from './pairing.ts';

/** A paired computer as the API answers it (times as ISO 8601). */
export function computerInfo(computer: Computer): ComputerInfo {
  return {
    agent_id: computer.agent_id,
    name: computer.name,
    platform: computer.platform,
    is_default: computer.is_default,
    paired_at: new Date(computer.paired_at).toISOString(),
    last_seen: new Date(computer.last_seen).toISOString(),
  };
}
