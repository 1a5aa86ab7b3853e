// Public surface of @sluice/testing.
export { TestClient } from "./test-client.js";
export type { RequestOptions, TestClientOptions, WebSocketOptions } from "./test-client.js";
export { TestResponse } from "./response.js";
export type { TestResponseInit } from "./response.js";
export { StreamingResponse } from "./streaming-response.js";
export { WebSocketSession } from "./websocket-session.js";
export type { WebSocketMessage } from "./websocket-session.js";
export { LifespanSession } from "./lifespan-session.js";
export { Communicator } from "./communicator.js";
export type { CommunicatorOptions } from "./communicator.js";
export type { AppInterface } from "./internal/prepare-app.js";
export type { HeaderInput, QueryInput } from "./internal/build-scope.js";
export type { JsonValue, RequestBody } from "./internal/request-body.js";
export {
  AppFinishedError,
  LifespanFailed,
  RequestAborted,
  TestTimeoutError,
  UnexpectedEventError,
  WebSocketClosed,
  WebSocketDenied,
} from "./errors.js";
export { runConformance, runCheck, selectChecks, formatResults, ConformanceFailure } from "./conformance/run.js";
export { conformanceChecks } from "./conformance/checks/index.js";
export type {
  CheckContext,
  ConformanceCheck,
  ConformanceOptions,
  ConformanceResult,
  RunningTarget,
  StartOptions,
  StartServer,
} from "./conformance/types.js";
