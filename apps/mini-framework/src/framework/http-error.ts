import { reasonPhrase } from "@sluice/core";

/**
 * An error that becomes an HTTP response: thrown anywhere in a handler, the router answers
 * with `status` and a JSON problem document (RFC 9457, `application/problem+json`).
 *
 * @example
 * ```ts
 * throw new HttpError(404, `no todo with id ${id}`);
 * ```
 */
export class HttpError extends Error {
  /** The HTTP status to answer with. */
  readonly status: number;
  /** Extra members of the problem document (e.g. `{ field: "title" }`). */
  readonly extra: Record<string, unknown>;
  /** Headers to add to the response (e.g. `Allow` on a 405). */
  readonly headers: Array<[string, string]>;

  constructor(status: number, detail: string, extra: Record<string, unknown> = {}, headers: Array<[string, string]> = []) {
    super(detail);
    this.name = "HttpError";
    this.status = status;
    this.extra = extra;
    this.headers = headers;
  }

  /** The problem document this error is rendered as. */
  toProblem(): Record<string, unknown> {
    return { type: "about:blank", title: reasonPhrase(this.status), status: this.status, detail: this.message, ...this.extra };
  }
}
