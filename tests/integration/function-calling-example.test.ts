import { createServer, type IncomingMessage, type Server } from 'node:http';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askWithBrokerTools } from '../../examples/function-calling.ts';
import { apiUrl, emulator, newUser, rfc822 } from '../support/api.ts';

/**
 * A stand-in for the OpenAI Responses API at the process boundary (no OpenAI access
 * here): the first request gets a scripted tool call, the second the model's answer
 * built from the tool output it was sent.
 */
function scriptedModel() {
  const requests: any[] = [];
  const body = async (request: IncomingMessage) => {
    let text = '';
    for await (const chunk of request) text += chunk;
    return JSON.parse(text);
  };
  const respond = (id: string, output: unknown[]) => ({
    id,
    object: 'response',
    created_at: 1,
    status: 'completed',
    model: 'scripted',
    output,
    parallel_tool_calls: true,
    tool_choice: 'auto',
    tools: [],
    error: null,
    incomplete_details: null,
    instructions: null,
    metadata: {},
    temperature: 1,
    top_p: 1,
  });
  const server: Server = createServer(async (request, response) => {
    const payload = await body(request);
    requests.push(payload);
    const answer =
      requests.length === 1
        ? respond('resp_1', [
            {
              type: 'function_call',
              id: 'fc_1',
              call_id: 'call_1',
              name: 'get_unread_emails',
              status: 'completed',
              arguments: '{"limit":2,"page_token":null,"query":null,"include_body":true}',
            },
          ])
        : respond('resp_2', [
            {
              type: 'message',
              id: 'msg_1',
              role: 'assistant',
              status: 'completed',
              content: [
                {
                  type: 'output_text',
                  annotations: [],
                  text: `You have mail: ${JSON.parse(payload.input[0].output).emails[0].subject}`,
                },
              ],
            },
          ]);
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify(answer));
  });
  return { server, requests };
}

describe('the documented function-calling example (examples/function-calling.ts)', () => {
  const model = scriptedModel();
  let baseURL: string;
  beforeAll(async () => {
    await new Promise<void>((resolve) => model.server.listen(0, '127.0.0.1', resolve));
    const address = model.server.address();
    baseURL = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/v1`;
  });
  afterAll(() => new Promise<void>((resolve) => model.server.close(() => resolve())));

  it("offers the broker's strict tools, forwards the model's tool call and returns the answer", async () => {
    const user = await newUser();
    await emulator.seedMessage({
      email: user.email,
      raw: rfc822(['From: a@example.com', `To: ${user.email}`, 'Subject: Lunch on Friday?', '', 'Shall we?']),
    });
    const answer = await askWithBrokerTools({
      openai: new OpenAI({ apiKey: 'not-used', baseURL, maxRetries: 0 }),
      brokerUrl: apiUrl,
      googleToken: user.token,
      model: 'scripted',
      question: 'Anything new?',
    });
    expect(answer).toBe('You have mail: Lunch on Friday?');
    const offered = model.requests[0].tools as Array<{ name: string; strict: boolean }>;
    expect(offered.map((tool) => tool.name)).toContain('get_unread_emails');
    expect(offered.every((tool) => tool.strict)).toBe(true);
    expect(model.requests[1]).toMatchObject({
      previous_response_id: 'resp_1',
      input: [{ type: 'function_call_output', call_id: 'call_1' }],
    });
  });
});
