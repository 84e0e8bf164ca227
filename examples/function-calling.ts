/**
 * Function calling with the OpenAI SDK and this broker, without glue: the tools come
 * from GET /api/chatgpt/functions, and every tool call the model makes is forwarded
 * as is to POST /api/chatgpt/call with the user's Google token.
 *
 *   OPENAI_API_KEY=... BROKER_URL=http://localhost:3000 GOOGLE_TOKEN=demo-token \
 *     npx tsx examples/function-calling.ts "What is in my unread mail?"
 */
import OpenAI from 'openai';
import type { FunctionTool, ResponseInputItem } from 'openai/resources/responses/responses';

export interface AskOptions {
  openai: OpenAI;
  brokerUrl: string;
  /** The signed-in user's Google access token (what a GPT's OAuth would send). */
  googleToken: string;
  model: string;
  question: string;
  /** Stop after this many rounds of tool calls. */
  maxRounds?: number;
}

/** Asks the model a question, running the broker's tools it calls, and returns its answer. */
export async function askWithBrokerTools(options: AskOptions): Promise<string> {
  const { tools } = (await (await fetch(`${options.brokerUrl}/api/chatgpt/functions`)).json()) as {
    tools: FunctionTool[];
  };
  let response = await options.openai.responses.create({ model: options.model, input: options.question, tools });
  for (let round = 0; round < (options.maxRounds ?? 5); round += 1) {
    const calls = response.output.filter((item) => item.type === 'function_call');
    if (calls.length === 0) break;
    const outputs: ResponseInputItem[] = [];
    for (const call of calls) {
      const answer = await fetch(`${options.brokerUrl}/api/chatgpt/call`, {
        method: 'POST',
        headers: { authorization: `Bearer ${options.googleToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: call.name, arguments: call.arguments }),
      });
      outputs.push({ type: 'function_call_output', call_id: call.call_id, output: await answer.text() });
    }
    response = await options.openai.responses.create({
      model: options.model,
      previous_response_id: response.id,
      input: outputs,
      tools,
    });
  }
  return response.output_text;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const answer = await askWithBrokerTools({
    openai: new OpenAI(),
    brokerUrl: process.env.BROKER_URL ?? 'http://localhost:3000',
    googleToken: process.env.GOOGLE_TOKEN ?? 'demo-token',
    model: process.env.OPENAI_MODEL ?? 'gpt-4.1-mini',
    question: process.argv.slice(2).join(' ') || 'Summarise my unread email.',
  });
  console.log(answer);
}
