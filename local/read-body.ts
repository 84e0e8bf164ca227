import type { IncomingMessage } from 'node:http';

/** The whole body of a request to one of the local stand-ins. */
export async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
