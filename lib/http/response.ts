/**
 * A handler's answer when it is not the usual `200 {success: true, ...}` JSON: another
 * status, or a body of another type (the HTML reference page).
 */
export class HttpResponse {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {}
}

/** Answers `status` with the success envelope around `body` (whose own `success` wins). */
export function withStatus(status: number, body: object): HttpResponse {
  return new HttpResponse(status, { success: true, ...body });
}
