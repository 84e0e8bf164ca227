/**
 * A handler's answer when it is not the usual `200 {success: true, ...}` JSON: another
 * status, or a body of another type (the HTML reference page).
 */
export class Reply {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {}
}

/** Answers `status` with the success envelope around `body`. */
export function withStatus(status: number, body: object): Reply {
  return new Reply(status, { success: true, ...body });
}

/** Answers a non-JSON body as is, e.g. `text/html`. */
export function rawReply(contentType: string, body: string): Reply {
  return new Reply(200, body, { 'Content-Type': contentType });
}
