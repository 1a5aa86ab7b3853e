/**
 * Called by a contender server program once it listens: tells the harness (the parent
 * process) which port to load. Also prints it, so a program can be run by hand.
 */
export function announce(port: number): void {
  if (process.send) {
    process.send({ type: "listening", port });
  } else {
    console.log(`listening on http://127.0.0.1:${port}`);
  }
}

/** The conventional 13-byte body every hello-world contender answers with. */
export const HELLO_BODY = "Hello, World!";
