/**
 * The app server of the browser upload example: serves the page and signs uploads with the
 * `ingest` key (write under recordings/) and downloads with the `playback` key (read), using
 * client/presign.ts. It never proxies audio: the browser talks to the storage directly.
 *
 *   npx tsx examples/browser-upload/server.ts [--stack dev] [--port 3000]
 * then open http://localhost:3000 (the dev stack's recordings CORS origin).
 */
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { asStaticKey, type BucketContract } from "../../components/contract";
import { presignGet, presignPost, presignPut, UploadRefused } from "../../client/presign";

export interface ExampleServer {
  url: string;
  close(): Promise<void>;
}

const page = fs.readFileSync(path.join(__dirname, "index.html"));

async function body(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  let text = "";
  for await (const chunk of req) text += chunk;
  return JSON.parse(text || "{}") as Record<string, unknown>;
}

/** Start the example for one bucket whose keys are `ingest` (write) and `playback` (read). */
export function startServer(bucket: BucketContract, port: number): Promise<ExampleServer> {
  if (!bucket.keys.ingest || !bucket.keys.playback) throw new Error(`bucket ${bucket.bucket} needs keys "ingest" and "playback"`);
  const ingest = asStaticKey(bucket.keys.ingest);
  const playback = asStaticKey(bucket.keys.playback);
  const server = http.createServer(async (req, res) => {
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(value));
    };
    try {
      if (req.method === "GET" && (req.url === "/" || req.url === "/index.html")) {
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
        return void res.end(page);
      }
      if (req.method !== "POST") return json(404, { error: "not found" });
      const b = await body(req);
      if (req.url === "/sign/post") {
        const callId = String(b.callId ?? "").replace(/[^A-Za-z0-9-]/g, "");
        if (!callId) return json(400, { error: "callId required" });
        const post = await presignPost(bucket, ingest, { keyPrefix: `recordings/${callId}/`, contentType: String(b.contentType) });
        return json(200, { url: post.url, fields: post.fields });
      }
      if (req.url === "/sign/put") {
        const put = await presignPut(bucket, ingest, { objectKey: String(b.objectKey), contentType: String(b.contentType), contentLength: Number(b.contentLength) });
        return json(200, put);
      }
      if (req.url === "/sign/get") return json(200, { url: await presignGet(bucket, playback, { objectKey: String(b.objectKey) }) });
      return json(404, { error: "not found" });
    } catch (e) {
      // A request the storage would refuse is not signed at all.
      json(e instanceof UploadRefused ? 400 : 500, { error: (e as Error).message });
    }
  });
  return new Promise((resolve) =>
    server.listen(port, "127.0.0.1", () =>
      resolve({ url: `http://localhost:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) }),
    ),
  );
}

if (require.main === module) {
  const { values } = parseArgs({ options: { stack: { type: "string", default: "dev" }, port: { type: "string", default: "3000" } } });
  (async () => {
    const { readStorageOutput } = await import("../../lib/stack-output");
    const storage = await readStorageOutput(values.stack!);
    const s = await startServer(storage.buckets.recordings, Number(values.port));
    console.log(`browser upload example on ${s.url} (stack ${values.stack})`);
  })().catch((e: Error) => {
    console.error(`example failed: ${e.message}`);
    process.exit(1);
  });
}
