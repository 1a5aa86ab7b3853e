import type { App, Middleware } from "@sluice/core";
import type { ResolvedOptions } from "../options.js";
import { CompressingResponse, requestFacts } from "./compressing-response.js";

/** The middleware for already-validated options (tests pass their own codecs here). */
export function compressionWith(options: ResolvedOptions): Middleware {
  return (app: App): App =>
    async (scope, receive, send) => {
      if (scope.type !== "http") return app(scope, receive, send);
      const response = new CompressingResponse(send, requestFacts(scope), options);
      try {
        await app(scope, receive, response.send);
      } finally {
        response.close();
      }
    };
}
