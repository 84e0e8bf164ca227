import { dispatchToolCall } from '../../catalog/dispatch.ts';
import type { Action } from '../../http/api-handler.ts';
import type { operations } from '../../operations.ts';
import { toolRunnerMap } from '../tools.ts';

/** Runs one OpenAI tool call `{name, arguments}` with the caller's Google token. */
export const call_tool: Action<typeof operations.call_tool> = async (request) =>
  dispatchToolCall(request.body, toolRunnerMap, request);
