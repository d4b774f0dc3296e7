/**
 * The browser upload example in a real headless Chromium (Debian's package, driven by
 * playwright-core; no browser download): from the bucket's CORS origin the page uploads by POST
 * (204) and PUT (ETag readable) and reads the bytes back; from another origin the browser lets
 * the page read none of the storage's answers; a too-large or re-typed upload is refused by the
 * storage itself because the signed policy, not CORS, is the guard.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type * as auto from "@pulumi/pulumi/automation";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BucketContract, StorageContract } from "../../components/contract";
import { startServer, type ExampleServer } from "../../examples/browser-upload/server";
import { LOCAL, loadEnvFile, openStack } from "../../scripts/lib/workspace";
import { program } from "../../stacks/program";
import { loadProjectEnv } from "../helpers/env";
import { MinioServer } from "../helpers/minio-server";

loadProjectEnv();
loadEnvFile(path.join(LOCAL, "minio.env"));
const CHROMIUM = "/usr/bin/chromium";
const name = `web${Date.now().toString(36)}`;
const allowedPort = 31000 + (Date.now() % 1000);
const otherPort = allowedPort + 1000;
const started = Date.now();
let stack: auto.Stack;
let browser: Browser;
let allowed: ExampleServer;
let other: ExampleServer;

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error("chromium is not installed: sudo apt-get install chromium (npm run setup does it as root)");
  stack = await openStack({
    stack: name,
    program: async () => program(),
    config: {
      "storage:minio": { endpoint: "http://127.0.0.1:9000", kmsKeyId: MinioServer.kmsKeyName() },
      "storage:buckets": {
        recordings: {
          provider: "minio",
          forceDestroy: true,
          cors: [{ origins: [`http://localhost:${allowedPort}`], methods: ["GET", "PUT", "POST"], headers: ["*"], exposeHeaders: ["ETag"] }],
          uploads: [{ prefix: "recordings/", maxBytes: 1024, contentTypes: ["audio/webm", "audio/ogg"] }],
          keys: {
            playback: { access: ["read", "list"], prefixes: ["recordings/"], generation: 1 },
            ingest: { access: ["write"], prefixes: ["recordings/"], generation: 1 },
          },
        },
      },
    },
  });
  const up = await stack.up({ color: "never" });
  const bucket = (up.outputs.storage.value as StorageContract).buckets.recordings as BucketContract;
  [allowed, other] = await Promise.all([startServer(bucket, allowedPort), startServer(bucket, otherPort)]);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([allowed?.close(), other?.close()]);
  await stack?.destroy({ color: "never" }).catch(() => undefined);
  await stack?.workspace.removeStack(name).catch(() => undefined);
  console.log(`browser upload test: ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

async function open(server: ExampleServer): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(server.url);
  return page;
}

/** Run one page function; a response the browser hides from the page comes back as "blocked". */
const run = (page: Page, script: string) =>
  page.evaluate(`(async () => { try { return await (${script}); } catch (e) { return { blocked: String(e) }; } })()`);

describe("browser uploads from the example page", () => {
  it("from the allowed origin: POST 204, PUT with a readable ETag, GET returns the same bytes", async () => {
    const page = await open(allowed);
    const post = (await run(page, `uploadPost("c-1", new Blob(["post audio"], { type: "audio/webm" }), "audio/webm")`)) as { status: number; key: string };
    expect(post).toEqual({ status: 204, key: "recordings/c-1/recording" });
    const put = (await run(page, `uploadPut("recordings/c-1/put.ogg", new Blob(["put audio"], { type: "audio/ogg" }), "audio/ogg")`)) as { status: number; etag: string };
    expect(put.status).toBe(200);
    expect(put.etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(await run(page, `download("recordings/c-1/recording")`)).toEqual({ status: 200, text: "post audio" });
    expect(await run(page, `download("recordings/c-1/put.ogg")`)).toEqual({ status: 200, text: "put audio" });
  });

  it("from another origin: the browser lets the page read none of the storage's answers", async () => {
    const page = await open(other);
    for (const script of [
      `uploadPost("c-2", new Blob(["x"], { type: "audio/webm" }), "audio/webm")`,
      `uploadPut("recordings/c-2/x.ogg", new Blob(["x"], { type: "audio/ogg" }), "audio/ogg")`,
      `download("recordings/c-1/recording")`,
    ]) {
      expect(await run(page, script)).toEqual({ blocked: "TypeError: Failed to fetch" });
    }
  });

  it("a too-large or re-typed upload is refused by the storage, not by CORS", async () => {
    const page = await open(allowed);
    const big = await run(page, `uploadPost("c-3", new Blob(["x".repeat(2048)], { type: "audio/webm" }), "audio/webm")`);
    expect(big).toMatchObject({ status: 400 });
    const retyped = await run(page, `uploadPost("c-3", new Blob(["<script>"], { type: "text/html" }), "audio/webm", { "Content-Type": "text/html" })`);
    expect(retyped).toMatchObject({ status: 403 });
    // The server will not even sign a type outside the bucket's rule.
    const unsigned = await run(page, `uploadPost("c-3", new Blob(["x"]), "text/html")`);
    expect(String((unsigned as { blocked: string }).blocked)).toMatch(/sign \/sign\/post: 400 .*content type .*text\/html.* is not allowed under recordings\//);
  });
});
