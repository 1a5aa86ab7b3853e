/**
 * Stable machine-readable codes of every Sluice error. Never renamed once published.
 *
 * @example
 * ```ts
 * if (error instanceof SluiceError && error.code === "ERR_CLIENT_DISCONNECTED") return;
 * ```
 */
export type SluiceErrorCode =
  | "ERR_CLIENT_DISCONNECTED"
  | "ERR_PROTOCOL"
  | "ERR_UNSUPPORTED_PROTOCOL"
  | (string & { readonly __sluiceErrorCode?: never });

/**
 * The root of every error Sluice packages throw. Each subclass has a stable `code`.
 *
 * @example
 * ```ts
 * try { await send(event); } catch (error) { if (error instanceof SluiceError) log(error.code); }
 * ```
 */
export class SluiceError extends Error {
  /** The stable code of this error kind, e.g. `"ERR_PROTOCOL"`. */
  readonly code: SluiceErrorCode;

  /**
   * @param code the stable error code
   * @param message a human-readable message naming the rule broken
   * @param options standard `ErrorOptions` (`cause`)
   */
  constructor(code: SluiceErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * `send()` was called after the peer went away. Servers ignore it when it escapes an app,
 * so apps need not catch it.
 *
 * @example
 * ```ts
 * throw new ClientDisconnected("client closed the connection before http.response.body");
 * ```
 */
export class ClientDisconnected extends SluiceError {
  /** @param message what was being sent when the peer was found gone. Default: a generic message. */
  constructor(message = "the client has disconnected; the event was not sent", options?: ErrorOptions) {
    super("ERR_CLIENT_DISCONNECTED", message, options);
  }
}

/**
 * An app or a server broke a rule of the interface specification. The message names the
 * rule; `rule` holds its short identifier and `event` the offending event, when there is one.
 *
 * @example
 * ```ts
 * throw new ProtocolError("response-start-once", "http.response.start sent twice", event);
 * ```
 */
export class ProtocolError extends SluiceError {
  /** Short identifier of the rule broken, e.g. `"response-start-once"`. */
  readonly rule: string;
  /** The offending event or value, when there is one. */
  readonly event: unknown;

  /**
   * @param rule short identifier of the rule (see SPEC.md)
   * @param message what happened and what the rule requires
   * @param event the offending event or value
   */
  constructor(rule: string, message: string, event?: unknown, options?: ErrorOptions) {
    super("ERR_PROTOCOL", `${message} [rule: ${rule}]`, options);
    this.rule = rule;
    this.event = event;
  }
}

/**
 * The app does not handle this kind of connection (e.g. an app without lifespan support
 * given a `lifespan` scope). Servers treat it as "unsupported", not as a failure.
 *
 * @example
 * ```ts
 * if (scope.type === "lifespan") throw new UnsupportedProtocol("lifespan");
 * ```
 */
export class UnsupportedProtocol extends SluiceError {
  /** The scope type that is not supported. */
  readonly scopeType: string;

  /** @param scopeType the unsupported `scope.type` */
  constructor(scopeType: string, options?: ErrorOptions) {
    super("ERR_UNSUPPORTED_PROTOCOL", `this app does not support "${scopeType}" connections`, options);
    this.scopeType = scopeType;
  }
}
