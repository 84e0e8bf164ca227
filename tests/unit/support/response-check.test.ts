import { describe, expect, it } from 'vitest';
import { allOperations, operations } from '#lib/operations';
import { operationFor, responseMismatch } from '../../support/response-check.ts';

const sendEmail = operations.send_email;

/** The integration suite's check of every 2xx answer against its operation's response schema. */

describe('operationFor', () => {
  it("routes every registry operation's method and concrete path back to that operation", () => {
    for (const operation of allOperations) {
      const concrete = operation.path.replaceAll(/\{[^}]+\}/g, 'job_Qm9vdHN0cmFwSm9iSWQx');
      expect(operationFor(operation.method, concrete)?.name, operation.path).toBe(operation.name);
      expect(operationFor(operation.method, `${concrete}?verbose=true`)?.name).toBe(operation.name);
    }
  });

  it('finds nothing for an unknown path, another method, or a deeper path under a template', () => {
    expect(operationFor('GET', '/api/nowhere')).toBeUndefined();
    expect(operationFor('GET', sendEmail.path)).toBeUndefined();
    const template = allOperations.find((operation) => operation.path.includes('{'));
    expect(template).toBeDefined();
    const deeper = `${template?.path.replaceAll(/\{[^}]+\}/g, 'a')}/extra`;
    expect(operationFor(template?.method ?? 'GET', deeper)).toBeUndefined();
  });
});

describe('responseMismatch', () => {
  const answer = (status: number, json: unknown) => ({ status, json, text: JSON.stringify(json) });

  it('accepts a 2xx body that matches the schema', () => {
    const body = { success: true, message: 'sent', data: { message_id: 'm1', thread_id: 't1', repeat: false } };
    expect(responseMismatch('POST', sendEmail.path, answer(200, body))).toBeUndefined();
  });

  it('names the operation and the field when a 2xx body drifts from the schema', () => {
    const body = { success: true, message: 'sent', data: { message_id: 'm1' } };
    const mismatch = responseMismatch('POST', sendEmail.path, answer(200, body));
    expect(mismatch).toContain(sendEmail.name);
    expect(mismatch).toContain('thread_id');
  });

  it('names a field the answer has and the schema does not declare', () => {
    const body = {
      success: true,
      message: 'sent',
      data: { message_id: 'm1', thread_id: 't1', repeat: false, label_ids: ['SENT'] },
    };
    expect(responseMismatch('POST', sendEmail.path, answer(200, body))).toMatch(/data\.label_ids/);
  });

  it('checks error answers against the error envelope', () => {
    const error = { success: false, error: { code: 'invalid_request', message: 'no', details: [] } };
    expect(responseMismatch('POST', sendEmail.path, answer(400, error))).toBeUndefined();
    expect(responseMismatch('POST', sendEmail.path, answer(400, { success: false }))).toMatch(/error envelope/);
    expect(responseMismatch('POST', sendEmail.path, answer(500, { ...error, stack: 'at x' }))).toMatch(/stack/);
  });

  it("checks call_tool's answer against the response schema of the tool it ran", () => {
    const call = operations.call_tool;
    const sent = { success: true, message: 'sent', data: { message_id: 'm1', thread_id: 't1', repeat: false } };
    const request = { name: sendEmail.name, arguments: '{}' };
    expect(responseMismatch(call.method, call.path, answer(200, sent), request)).toBeUndefined();
    const drifted = responseMismatch(call.method, call.path, answer(200, { ...sent, extra: 1 }), request);
    expect(drifted).toContain(sendEmail.name);
    expect(drifted).toContain('extra');
  });

  it('leaves non-JSON bodies and unknown routes alone', () => {
    expect(responseMismatch('POST', sendEmail.path, { status: 200, json: undefined, text: '<html>' })).toBeUndefined();
    expect(responseMismatch('GET', '/api/nowhere', answer(404, { message: 'Not Found' }))).toBeUndefined();
  });
});
