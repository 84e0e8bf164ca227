import { toolDefinitions } from '../../catalog/tools.ts';
import type { Action } from '../../http/api-handler.ts';
import type { operations } from '../../operations.ts';

/** The tools in OpenAI's strict form (`tools`) and the original's list form (`functions`). */
export const get_tool_definitions: Action<typeof operations.get_tool_definitions> = async () => toolDefinitions();
