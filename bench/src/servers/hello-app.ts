// The hello-world app the Sluice contenders of several scenarios serve: 13 bytes of text with
// an explicit Content-Length, so every contender writes the same response.
import type { App } from "@sluice/core";
import { HELLO_BODY } from "./announce.js";

const body = new TextEncoder().encode(HELLO_BODY);
const headers: Array<[string, string]> = [
  ["content-type", "text/plain"],
  ["content-length", String(body.byteLength)],
];

/** Answers every HTTP request with "Hello, World!". */
export const helloApp: App = async (scope, _receive, send) => {
  if (scope.type !== "http") return;
  await send({ type: "http.response.start", status: 200, headers });
  await send({ type: "http.response.body", body });
};
