// Public surface of @sluice/core. Everything exported here is documented and versioned.
export type { Address, AsgiInfo, Headers, ReadonlyHeaders, State } from "./common.js";
export type { TlsExtension } from "./tls.js";
export type {
  HTTPDisconnectEvent,
  HTTPReceive,
  HTTPReceiveEvent,
  HTTPRequestEvent,
  HTTPResponseBodyEvent,
  HTTPResponseEarlyHintEvent,
  HTTPResponsePathsendEvent,
  HTTPResponseStartEvent,
  HTTPResponseTrailersEvent,
  HTTPResponseZerocopysendEvent,
  HTTPScope,
  HTTPSend,
  HTTPSendEvent,
  ScopeExtensions,
} from "./http.js";
export type {
  WebSocketAcceptEvent,
  WebSocketCloseEvent,
  WebSocketConnectEvent,
  WebSocketDisconnectEvent,
  WebSocketHTTPResponseBodyEvent,
  WebSocketHTTPResponseStartEvent,
  WebSocketReceive,
  WebSocketReceiveEvent,
  WebSocketReceiveEventAny,
  WebSocketScope,
  WebSocketSend,
  WebSocketSendEvent,
  WebSocketSendEventAny,
} from "./websocket.js";
export type {
  LifespanReceive,
  LifespanReceiveEvent,
  LifespanScope,
  LifespanSend,
  LifespanSendEvent,
  LifespanShutdownCompleteEvent,
  LifespanShutdownEvent,
  LifespanShutdownFailedEvent,
  LifespanStartupCompleteEvent,
  LifespanStartupEvent,
  LifespanStartupFailedEvent,
} from "./lifespan.js";
export type { App, HTTPApp, LifespanApp, Middleware, Receive, ReceiveEvent, Scope, Send, SendEvent, WebSocketApp } from "./app.js";
export type {
  Environ,
  ErrorStream,
  ExcInfo,
  FileLike,
  FileWrapper,
  InputStream,
  StartResponse,
  SyncApp,
  SyncResponse,
  WriteFn,
} from "./sync.js";
export { ASGI_SPEC_VERSION, ASGI_VERSION, SLUICE_SPEC_VERSION, WSGI_VERSION } from "./version.js";
export { ClientDisconnected, ProtocolError, SluiceError, UnsupportedProtocol } from "./errors.js";
export type { SluiceErrorCode } from "./errors.js";
export { getHeader, getHeaderValues, hasHeader, splitHeaderList, withHeader, withoutHeader, withVary } from "./headers.js";
export { parseQualityList } from "./quality-list.js";
export type { QualityItem } from "./quality-list.js";
export { bytesToLatin1, isByteString, latin1ToBytes, latin1ToUtf8, utf8ToLatin1 } from "./latin1.js";
export { compose } from "./compose.js";
export { offerTextBody, sendTextBody } from "./text-body.js";
export type { TextBodyTarget } from "./text-body.js";
export { parseStatusLine, reasonPhrase, statusLine } from "./status.js";
export { decodePath, headersFromRawHeaders, parseRequestTarget } from "./request-target.js";
export type { RequestTargetParts } from "./request-target.js";
export { validateApp } from "./validate-app.js";
export { validateSyncApp } from "./validate-sync-app.js";
export type { ValidatedSyncApp } from "./validate-sync-app.js";
