import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { staticFiles } from "../src/index.js";
import { header, startClient, type TestClient } from "./support/client.js";
import { innerApp } from "./support/in-process.js";
import { createTempTree, type TempTree } from "./support/temp-tree.js";

let tree: TempTree;
let client: TestClient;
let prefixed: TestClient;
let dotfilesAllowed: TestClient;
let followingLinks: TestClient;

const OUTSIDE_SECRET = "TOP-SECRET-OUTSIDE";
const DOTFILE_SECRET = "DOTFILE-SECRET";

beforeAll(async () => {
  tree = await createTempTree("traversal");
  await tree.write("secret.txt", OUTSIDE_SECRET);
  await tree.write("public/ok.txt", "ok");
  await tree.write("public/sub/page.txt", "page");
  await tree.write("public/.env", DOTFILE_SECRET);
  await tree.write("public/.git/config", DOTFILE_SECRET);
  await tree.write("public/sub/.hidden", DOTFILE_SECRET);
  await tree.write("public/.well-known/security.txt", "Contact: mailto:security@example.com");
  await tree.link("public/escape", "../secret.txt");
  await tree.link("public/escape-dir", "..");
  await tree.link("public/abs-link", tree.path("secret.txt"));
  await tree.link("public/inside-link", "sub/page.txt");
  await tree.link("public/inside-dir-link", "sub");
  const directory = tree.path("public");
  client = await startClient(staticFiles({ directory })(innerApp));
  prefixed = await startClient(staticFiles({ directory, prefix: "/static" })(innerApp));
  dotfilesAllowed = await startClient(staticFiles({ directory, dotfiles: true })(innerApp));
  followingLinks = await startClient(staticFiles({ directory, followSymlinks: true })(innerApp));
});

afterAll(async () => {
  for (const each of [client, prefixed, dotfilesAllowed, followingLinks]) await each.close();
  await tree.remove();
});

// Request targets written to the socket byte for byte, so no client normalises them.
const CORPUS = [
  "/../secret.txt",
  "/../../../../../../etc/passwd",
  "/..%2fsecret.txt",
  "/..%2Fsecret.txt",
  "/%2e%2e/secret.txt",
  "/%2E%2E/secret.txt",
  "/%2e%2e%2fsecret.txt",
  "/.%2e/secret.txt",
  "/%2e./secret.txt",
  "/sub/../../secret.txt",
  "/sub/%2e%2e/%2e%2e/secret.txt",
  "/sub%2f..%2f..%2fsecret.txt",
  "/%252e%252e/secret.txt",
  "/%252e%252e%252fsecret.txt",
  "/..%252fsecret.txt",
  "/%25252e%25252e/secret.txt",
  "/..\\secret.txt",
  "/%5c..%5csecret.txt",
  "/..%5csecret.txt",
  "/%2e%2e%5csecret.txt",
  "/sub\\..\\..\\secret.txt",
  "//etc/passwd",
  "/%2fetc%2fpasswd",
  `/${encodeURIComponent("/etc/passwd")}`,
  "/ok.txt%00.html",
  "/ok.txt%00",
  "/%00/../secret.txt",
  "/sub/..%00/secret.txt",
  "/%c0%ae%c0%ae/secret.txt",
  "/%c0%af..%c0%afsecret.txt",
  "/%e0%80%ae%e0%80%ae/secret.txt",
  "/%uff0e%uff0e/secret.txt",
  "/..;/secret.txt",
  "/./secret.txt",
  "/.well-known/../../secret.txt",
  "/escape",
  "/escape-dir/secret.txt",
  "/escape-dir/public/.env",
  "/abs-link",
  "/.env",
  "/.git/config",
  "/sub/.hidden",
  "/%2eenv",
  "/.%65nv",
  "/%2egit/config",
  "/.well-known/../.env",
  "http://127.0.0.1/../secret.txt",
  "/C:/Windows/win.ini",
  "/..%u2215secret.txt",
];

describe("path traversal corpus", () => {
  it("has at least 30 attempts", () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(30);
  });

  it.each(CORPUS)("never serves anything outside the directory or a dotfile for %s", async (target) => {
    const response = await client.request(target);
    expect(response.status === 400 || response.status === 404).toBe(true);
    const text = response.body.toString("latin1");
    expect(text).not.toContain(OUTSIDE_SECRET);
    expect(text).not.toContain(DOTFILE_SECRET);
    expect(text).not.toContain("root:");
    // A 404 comes from the inner app: the middleware fell through instead of answering.
    if (response.status === 404) expect(header(response, "x-inner")).toBe("1");
  });

  it.each(CORPUS.filter((target) => target.startsWith("/")).map((target) => `/static${target}`))(
    "never serves anything outside the directory under a prefix for %s",
    async (target) => {
      const response = await prefixed.request(target);
      expect(response.status === 400 || response.status === 404).toBe(true);
      expect(response.body.toString("latin1")).not.toContain(OUTSIDE_SECRET);
      expect(response.body.toString("latin1")).not.toContain(DOTFILE_SECRET);
    },
  );
});

describe("what is served", () => {
  it("serves .well-known even though dotfiles are denied", async () => {
    const response = await client.request("/.well-known/security.txt");
    expect(response.status).toBe(200);
    expect(response.body.toString()).toContain("Contact:");
  });

  it("follows a symlink whose target stays inside the directory", async () => {
    const response = await client.request("/inside-link");
    expect(response.status).toBe(200);
    expect(response.body.toString()).toBe("page");
  });

  it("follows a symlinked directory that stays inside", async () => {
    const response = await client.request("/inside-dir-link/page.txt");
    expect(response.body.toString()).toBe("page");
  });

  it("serves dotfiles when dotfiles is true", async () => {
    const response = await dotfilesAllowed.request("/.env");
    expect(response.status).toBe(200);
    expect(response.body.toString()).toBe(DOTFILE_SECRET);
  });

  it("follows a link out of the directory only when followSymlinks is true", async () => {
    const response = await followingLinks.request("/escape");
    expect(response.status).toBe(200);
    expect(response.body.toString()).toBe(OUTSIDE_SECRET);
  });

  it("still refuses dot segments when followSymlinks is true", async () => {
    const response = await followingLinks.request("/%2e%2e/secret.txt");
    expect(response.body.toString()).not.toContain(OUTSIDE_SECRET);
  });
});
