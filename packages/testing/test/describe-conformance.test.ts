// Uses the vitest helper exactly as a server author would, against the correct toy adapter.
import { describeConformance } from "../src/vitest.js";
import { startToyServer } from "./toy-server.js";

describeConformance("describeConformance registers one passing test per selected check", {
  start: (app, options) => startToyServer(app, options),
  only: ["http.scope", "websocket.subprotocol"],
  skip: ["http.scope.http10"],
});
