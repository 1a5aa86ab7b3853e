import type { ReadonlyHeaders } from "@sluice/core";

/** The CORS request headers of a preflight. */
export interface PreflightRequest {
  origin: string | undefined;
  /** `Access-Control-Request-Method`, or `undefined` when absent. */
  requestMethod: string | undefined;
  /** Every `Access-Control-Request-Headers` value joined with commas, `""` when absent. */
  requestHeaders: string;
  /** Whether `Access-Control-Request-Private-Network: true` was sent. */
  privateNetwork: boolean;
}

// Header names are compared by length first, then case-insensitively, so the usual case costs
// one integer comparison per header.

/** Reads the headers that make an OPTIONS request a CORS preflight. */
export function readPreflightRequest(headers: ReadonlyHeaders): PreflightRequest {
  const request: PreflightRequest = { origin: undefined, requestMethod: undefined, requestHeaders: "", privateNetwork: false };
  for (const [name, value] of headers) {
    switch (name.length) {
      case 6:
        if (request.origin === undefined && name.toLowerCase() === "origin") request.origin = value;
        break;
      case 29:
        if (request.requestMethod === undefined && name.toLowerCase() === "access-control-request-method") {
          request.requestMethod = value.trim();
        }
        break;
      case 30:
        if (name.toLowerCase() === "access-control-request-headers") {
          request.requestHeaders = request.requestHeaders === "" ? value : `${request.requestHeaders},${value}`;
        }
        break;
      case 38:
        if (name.toLowerCase() === "access-control-request-private-network" && value.trim().toLowerCase() === "true") {
          request.privateNetwork = true;
        }
        break;
      default:
        break;
    }
  }
  return request;
}
