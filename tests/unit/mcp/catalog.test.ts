import { describe, expect, it } from 'vitest';
import { BrokerError } from '#lib/errors';
import { googleScopesFor, toolNames } from '#lib/grants/scopes';
import { restFailure } from '#lib/http/envelope';
import { toHttpFailure } from '#lib/http/errors';
import { mcpResult, mcpTool } from '#lib/mcp/catalog';
import { allOperations, allTools, operations, SCOPES } from '#lib/operations';

describe('the MCP tool catalog', () => {
  it('offers exactly the registry tool operations, each with all four hints and object schemas', () => {
    expect(toolNames).toEqual(allOperations.filter((operation) => operation.tool).map((operation) => operation.name));
    for (const operation of allTools) {
      const tool = mcpTool(operation);
      expect(tool.inputSchema.type).toBe('object');
      expect(tool.outputSchema?.type).toBe('object');
      for (const hint of ['readOnlyHint', 'destructiveHint', 'openWorldHint', 'idempotentHint'] as const) {
        expect(typeof tool.annotations[hint], `${operation.name}.${hint}`).toBe('boolean');
      }
      // A read-only tool cannot also be destructive.
      if (tool.annotations.readOnlyHint) expect(tool.annotations.destructiveHint).toBe(false);
    }
  });

  it('gives every tool a short title of its own from the registry, as the tool and its annotations', () => {
    const titles = allTools.map((operation) => mcpTool(operation).title);
    expect(new Set(titles).size).toBe(allTools.length);
    for (const operation of allTools) {
      const tool = mcpTool(operation);
      expect(tool.title).toBe(operation.tool.title);
      expect(tool.annotations.title).toBe(operation.tool.title);
      expect(tool.title.length).toBeLessThanOrEqual(40);
      expect(tool.title).not.toContain('_');
    }
    expect(mcpTool(operations.send_email).title).toBe('Send email');
  });

  it("declares the operation's data as the output schema, without the REST envelope", () => {
    const send = mcpTool(operations.send_email).outputSchema?.properties as Record<string, unknown>;
    expect(Object.keys(send)).toContain('message_id');
    expect(send).not.toHaveProperty('success');
    expect(send).not.toHaveProperty('data');
    const unread = mcpTool(operations.get_unread_emails).outputSchema?.properties as Record<string, unknown>;
    expect(Object.keys(unread).sort()).toEqual(['count', 'emails', 'next_page_token']);
  });

  it('asks Google only for the scopes the granted tools need, plus who the user is', () => {
    expect(googleScopesFor(['get_unread_emails']).sort()).toEqual(['openid', SCOPES.email, SCOPES.read].sort());
    expect(googleScopesFor(['send_email'])).not.toContain(SCOPES.read);
  });
});

describe('MCP tool results', () => {
  it("answers an envelope's data as structuredContent, with its message and the data as text", () => {
    const data = { message_id: 'm1', thread_id: 't1' };
    const result = mcpResult(operations.send_email, {
      status: 200,
      body: { success: true, message: 'Email sent to a@example.com.', data },
    });
    expect(result.isError).toBeUndefined();
    expect(result.structuredContent).toEqual(data);
    expect(result.content).toEqual([
      { type: 'text', text: 'Email sent to a@example.com.' },
      { type: 'text', text: JSON.stringify(data) },
    ]);
  });

  it('answers a flat listing without its success flag', () => {
    const result = mcpResult(operations.list_labels, { status: 200, body: { success: true, labels: [] } });
    expect(result.structuredContent).toEqual({ labels: [] });
    expect(result.content).toEqual([{ type: 'text', text: '{"labels":[]}' }]);
  });

  it('answers a refusal as isError with the message REST gives, then its code and details', () => {
    const failure = restFailure(
      toHttpFailure(
        new BrokerError('invalid_request', 'Invalid request body.', {
          details: [{ field: 'to', message: 'Required' }],
        }),
      ),
      'request-1',
    );
    const result = mcpResult(operations.send_email, failure);
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toBeUndefined();
    expect(result.content[0]).toEqual({ type: 'text', text: 'Invalid request body.' });
    expect(JSON.parse((result.content[1] as { text: string }).text)).toEqual({
      code: 'invalid_request',
      details: [{ field: 'to', message: 'Required' }],
    });
    const plain = mcpResult(
      operations.send_email,
      restFailure(toHttpFailure(new BrokerError('not_found', 'No such message.')), 'request-1'),
    );
    expect(plain.content).toEqual([{ type: 'text', text: 'No such message.' }]);
  });

  it('answers an internal failure as REST does: the request id, never its cause', () => {
    const failure = restFailure(toHttpFailure(new Error('table secret-table-name unreachable')), 'request-9');
    const result = mcpResult(operations.send_email, failure);
    expect(result.isError).toBe(true);
    expect(result.content[0]).toEqual({ type: 'text', text: 'Internal error. Request id: request-9' });
    expect(JSON.stringify(result)).not.toContain('secret-table-name');
  });

  it('answers a launch the computer refused as an error that still carries the job', () => {
    const data = { job_id: 'j1', status: 'refused' };
    const result = mcpResult(operations.launch_app, {
      status: 200,
      body: { success: false, message: 'The paired computer refused to open x: no', data },
    });
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toEqual(data);
    expect(result.content[0]).toEqual({ type: 'text', text: 'The paired computer refused to open x: no' });
  });
});
