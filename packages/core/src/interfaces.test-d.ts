import { describe, expectTypeOf, it } from "vitest";
import type {
  App,
  HTTPResponseEarlyHintEvent,
  HTTPResponsePathsendEvent,
  HTTPResponseZerocopysendEvent,
  Environ,
  HTTPApp,
  HTTPDisconnectEvent,
  HTTPReceive,
  HTTPRequestEvent,
  HTTPResponseBodyEvent,
  HTTPResponseStartEvent,
  HTTPResponseTrailersEvent,
  HTTPScope,
  HTTPSend,
  InputStream,
  LifespanApp,
  LifespanReceive,
  LifespanScope,
  LifespanSend,
  LifespanStartupEvent,
  Middleware,
  Receive,
  ReceiveEvent,
  Scope,
  Send,
  SendEvent,
  StartResponse,
  SyncApp,
  SyncResponse,
  TlsExtension,
  ValidatedSyncApp,
  WebSocketApp,
  WebSocketDisconnectEvent,
  WebSocketReceive,
  WebSocketReceiveEvent,
  WebSocketScope,
  WebSocketSend,
  WriteFn,
} from "./index.js";
import { compose, validateApp, validateSyncApp } from "./index.js";

declare const scope: Scope;
declare const event: ReceiveEvent;
declare const sendEvent: SendEvent;
declare const anyHTTPScope: HTTPScope;
declare const httpSend: HTTPSend;
declare const anyEnviron: Environ;

describe("discriminated unions", () => {
  it("narrows a scope by switching on type", () => {
    switch (scope.type) {
      case "http":
        expectTypeOf(scope).toEqualTypeOf<HTTPScope>();
        expectTypeOf(scope.method).toBeString();
        break;
      case "websocket":
        expectTypeOf(scope).toEqualTypeOf<WebSocketScope>();
        expectTypeOf(scope.subprotocols).toEqualTypeOf<string[]>();
        break;
      case "lifespan":
        expectTypeOf(scope).toEqualTypeOf<LifespanScope>();
        break;
      default:
        expectTypeOf(scope).toBeNever();
    }
  });

  it("narrows a received event by switching on type", () => {
    switch (event.type) {
      case "http.request":
        expectTypeOf(event).toEqualTypeOf<HTTPRequestEvent>();
        expectTypeOf(event.body).toEqualTypeOf<Uint8Array>();
        expectTypeOf(event.more_body).toBeBoolean();
        break;
      case "http.disconnect":
        expectTypeOf(event).toEqualTypeOf<HTTPDisconnectEvent>();
        break;
      case "websocket.receive":
        expectTypeOf(event).toEqualTypeOf<WebSocketReceiveEvent>();
        expectTypeOf(event.text).toEqualTypeOf<string | null | undefined>();
        break;
      case "websocket.disconnect":
        expectTypeOf(event).toEqualTypeOf<WebSocketDisconnectEvent>();
        expectTypeOf(event.code).toBeNumber();
        break;
      case "lifespan.startup":
        expectTypeOf(event).toEqualTypeOf<LifespanStartupEvent>();
        break;
      default:
        expectTypeOf(event.type).toEqualTypeOf<"websocket.connect" | "lifespan.shutdown">();
    }
  });

  it("narrows a sent event by switching on type", () => {
    switch (sendEvent.type) {
      case "http.response.start":
        expectTypeOf(sendEvent).toEqualTypeOf<HTTPResponseStartEvent>();
        expectTypeOf(sendEvent.status).toBeNumber();
        break;
      case "http.response.body":
        expectTypeOf(sendEvent).toEqualTypeOf<HTTPResponseBodyEvent>();
        break;
      case "http.response.trailers":
        expectTypeOf(sendEvent).toEqualTypeOf<HTTPResponseTrailersEvent>();
        break;
      case "http.response.pathsend":
        expectTypeOf(sendEvent.path).toBeString();
        break;
      case "http.response.early_hint":
        expectTypeOf(sendEvent.links).toEqualTypeOf<string[]>();
        break;
      case "http.response.zerocopysend":
        expectTypeOf(sendEvent.file).toBeNumber();
        break;
      case "websocket.send":
        expectTypeOf(sendEvent.bytes).toEqualTypeOf<Uint8Array | null | undefined>();
        break;
      case "websocket.http.response.start":
        expectTypeOf(sendEvent.status).toBeNumber();
        break;
      case "lifespan.startup.failed":
        expectTypeOf(sendEvent.message).toEqualTypeOf<string | undefined>();
        break;
      default:
        expectTypeOf(sendEvent.type).toEqualTypeOf<
          | "websocket.accept"
          | "websocket.close"
          | "websocket.http.response.body"
          | "lifespan.startup.complete"
          | "lifespan.shutdown.complete"
          | "lifespan.shutdown.failed"
        >();
    }
  });

  it("rejects events that mix keys of different types", () => {
    // @ts-expect-error http.response.start needs a status
    const missingStatus: SendEvent = { type: "http.response.start" };
    // @ts-expect-error body is bytes, not text
    const textBody: SendEvent = { type: "http.response.body", body: "hi" };
    // @ts-expect-error not an event type of any protocol
    const unknownType: SendEvent = { type: "http.response.finish" };
    expectTypeOf([missingStatus, textBody, unknownType]).toEqualTypeOf<SendEvent[]>();
  });

  it("types the tls extension in scope.extensions", () => {
    expectTypeOf(anyHTTPScope.extensions?.tls).toEqualTypeOf<TlsExtension | undefined>();
  });
});

describe("narrowed apps and middleware", () => {
  it("gives an HTTPApp http-only scope and callables", () => {
    expectTypeOf<Parameters<HTTPApp>>().toEqualTypeOf<[HTTPScope, HTTPReceive, HTTPSend]>();
    expectTypeOf<Parameters<HTTPSend>[0]>().toEqualTypeOf<
      | HTTPResponseStartEvent
      | HTTPResponseBodyEvent
      | HTTPResponseTrailersEvent
      | HTTPResponsePathsendEvent
      | HTTPResponseEarlyHintEvent
      | HTTPResponseZerocopysendEvent
    >();
    expectTypeOf<ReturnType<HTTPReceive>>().toEqualTypeOf<Promise<HTTPRequestEvent | HTTPDisconnectEvent>>();
  });

  it("gives a WebSocketApp and a LifespanApp their own scope and callables", () => {
    expectTypeOf<Parameters<WebSocketApp>>().toEqualTypeOf<[WebSocketScope, WebSocketReceive, WebSocketSend]>();
    expectTypeOf<Parameters<LifespanApp>>().toEqualTypeOf<[LifespanScope, LifespanReceive, LifespanSend]>();
  });

  it("does not let an HTTPSend send websocket events", () => {
    // @ts-expect-error websocket.send is not an http event
    void httpSend({ type: "websocket.send", text: "x" });
  });

  it("types a full app and Middleware as app-to-app functions", () => {
    expectTypeOf<App>().toEqualTypeOf<(scope: Scope, receive: Receive, send: Send) => Promise<void>>();
    expectTypeOf<Middleware>().toEqualTypeOf<(app: App) => App>();
    expectTypeOf(compose).returns.toEqualTypeOf<Middleware>();
  });

  it("keeps validateApp's result an App", () => {
    expectTypeOf(validateApp).parameter(0).toEqualTypeOf<App>();
    expectTypeOf(validateApp).returns.toEqualTypeOf<App>();
  });
});

describe("sync interface types", () => {
  it("types the sync app, startResponse and write", () => {
    expectTypeOf<Parameters<SyncApp>>().toEqualTypeOf<[Environ, StartResponse]>();
    expectTypeOf<ReturnType<SyncApp>>().toEqualTypeOf<SyncResponse>();
    expectTypeOf<ReturnType<StartResponse>>().toEqualTypeOf<WriteFn>();
    expectTypeOf<Parameters<WriteFn>>().toEqualTypeOf<[data: Uint8Array]>();
  });

  it("types the environ's wsgi keys and blocking input", () => {
    const environ = anyEnviron;
    expectTypeOf(environ["wsgi.input"]).toEqualTypeOf<InputStream>();
    expectTypeOf<ReturnType<InputStream["read"]>>().toEqualTypeOf<Uint8Array>();
    expectTypeOf(environ["wsgi.version"]).toEqualTypeOf<readonly [1, 0]>();
    expectTypeOf(environ.REQUEST_METHOD).toBeString();
    expectTypeOf(environ.CONTENT_LENGTH).toEqualTypeOf<string | undefined>();
  });

  it("makes validateSyncApp return a callable sync app with assertResponsesClosed", () => {
    expectTypeOf(validateSyncApp).returns.toEqualTypeOf<ValidatedSyncApp>();
    expectTypeOf<ValidatedSyncApp>().toExtend<SyncApp>();
    expectTypeOf<ValidatedSyncApp["assertResponsesClosed"]>().toEqualTypeOf<() => void>();
  });
});
