import { createServer } from 'node:http';
import { listenOnLoopback } from '../../local/ports.ts';
import { readBody } from '../../local/read-body.ts';

/**
 * A stand-in for an AWS "query protocol" service (STS, CloudFormation): form-encoded
 * `Action=...` requests, XML answers. `answer` gets the action and returns the status and
 * the XML inside the response element; signatures are not checked.
 */
export async function startAwsQueryStandIn(answer: (action: string) => { status: number; xml: string }) {
  const server = createServer(async (request, response) => {
    const form = new URLSearchParams((await readBody(request)).toString('utf8'));
    const { status, xml } = answer(form.get('Action') ?? '');
    response.writeHead(status, { 'content-type': 'text/xml' });
    response.end(`<?xml version="1.0" encoding="UTF-8"?>\n${xml}`);
  });
  return listenOnLoopback(server);
}

/** The error document of a query-protocol service. */
export function queryError(code: string, message: string): { status: number; xml: string } {
  return {
    status: 400,
    xml: `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>stand-in</RequestId></ErrorResponse>`,
  };
}
