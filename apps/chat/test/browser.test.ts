import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startChat } from "./chat-server.js";

const artifacts = fileURLToPath(new URL("../test-artifacts/", import.meta.url));
let browser: Browser;
let chat: Awaited<ReturnType<typeof startChat>>;

beforeAll(async () => {
  await mkdir(artifacts, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  chat = await startChat();
});
afterAll(async () => {
  await browser.close();
  await chat.close();
});

async function joinAs(page: Page, nick: string, room: string): Promise<void> {
  await page.goto(chat.url);
  await page.fill("#nick", nick);
  await page.fill("#room", room);
  await page.click("#join-form button[type=submit]");
  await page.waitForSelector("#status.status-online");
}

describe("the chat page in Chromium", () => {
  it("lets two tabs in the same room see each other's messages and presence", async () => {
    const context = await browser.newContext();
    const ada = await context.newPage();
    const bob = await context.newPage();
    await joinAs(ada, "ada", "garden");
    await joinAs(bob, "bob", "garden");

    await ada.waitForFunction(() => [...document.querySelectorAll("#members li")].map((li) => li.textContent).join(",") === "ada,bob");
    expect(await bob.locator("#members li").allTextContents()).toEqual(["ada", "bob"]);

    await bob.fill("#message-input", "hello from bob");
    await bob.click("#send");
    await ada.locator("#messages .message .text", { hasText: "hello from bob" }).waitFor();
    expect(await ada.locator("#messages .message .meta").last().textContent()).toMatch(/^bob · /);
    expect(await bob.locator("#messages .message.mine .text").last().textContent()).toBe("hello from bob");

    await ada.screenshot({ path: `${artifacts}chat-two-tabs.png`, fullPage: true });
    await context.close();
  });

  it("keeps working after a reload: the form is prefilled and history comes back", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await joinAs(page, "carol", "reload-room");
    await page.fill("#message-input", "before the reload");
    await page.click("#send");
    await page.locator("#messages .text", { hasText: "before the reload" }).waitFor();

    await page.reload();
    expect(await page.inputValue("#nick")).toBe("carol");
    expect(await page.inputValue("#room")).toBe("reload-room");
    await page.click("#join-form button[type=submit]");
    await page.waitForSelector("#status.status-online");
    await page.locator("#messages .text", { hasText: "before the reload" }).waitFor();
    await page.fill("#message-input", "after the reload");
    await page.click("#send");
    await page.locator("#messages .text", { hasText: "after the reload" }).waitFor();
    expect(await page.locator("#messages .text").allTextContents()).toEqual(["before the reload", "after the reload"]);
    await context.close();
  });

  it("reconnects with backoff after the server restarts", async () => {
    const page = await browser.newPage();
    await joinAs(page, "dave", "restarts");
    const port = Number(new URL(chat.url).port);
    const historyFile = chat.historyFile;
    await chat.close();
    await page.waitForSelector("#status.status-offline");
    expect(await page.locator("#status").textContent()).toMatch(/^offline — retrying in \d+ s$/);
    chat = await startChat({ historyFile }, port);
    await page.waitForSelector("#status.status-online", { timeout: 20_000 });
    await page.fill("#message-input", "back again");
    await page.click("#send");
    await page.locator("#messages .text", { hasText: "back again" }).waitFor();
    await page.close();
  });

  it("explains a nickname that breaks the rules before connecting", async () => {
    const page = await browser.newPage();
    await page.goto(chat.url);
    await page.fill("#nick", "<b>");
    await page.click("#join-form button[type=submit]");
    expect(await page.locator("#join-error").textContent()).toMatch(/Nicknames are 1–24 letters/);
    expect(await page.locator("#chat").isHidden()).toBe(true);
    await page.close();
  });
});
