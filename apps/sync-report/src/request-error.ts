import { SluiceError } from "@sluice/core";

/**
 * A request the app refuses, with the HTTP status to answer and a message that tells the
 * client what to change. Codes: `ERR_BAD_QUERY` (400), `ERR_NOT_FOUND` (404),
 * `ERR_METHOD_NOT_ALLOWED` (405).
 *
 * @example
 * ```ts
 * throw RequestError.badQuery('"from" must be a date written YYYY-MM-DD, got "yesterday"');
 * ```
 */
export class RequestError extends SluiceError {
  /** The HTTP status code of the answer. */
  readonly status: 400 | 404 | 405;

  private constructor(status: 400 | 404 | 405, code: string, message: string) {
    super(code, message);
    this.status = status;
  }

  /** A query string the app cannot use (400). */
  static badQuery(message: string): RequestError {
    return new RequestError(400, "ERR_BAD_QUERY", message);
  }

  /** No page at this path (404). */
  static notFound(path: string): RequestError {
    return new RequestError(404, "ERR_NOT_FOUND", `no page at ${JSON.stringify(path)}; see / for the list of pages`);
  }

  /** The path exists but not for this method (405); the answer lists `GET, HEAD` in `Allow`. */
  static methodNotAllowed(method: string, path: string): RequestError {
    return new RequestError(405, "ERR_METHOD_NOT_ALLOWED", `${path} answers GET and HEAD only, not ${method}`);
  }
}
