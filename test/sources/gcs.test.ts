import { Storage } from "@google-cloud/storage";
import { tableFromIPC } from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGcsServer, type GcsServer } from "../../packages/runtime/src/local/gcs-server.ts";
import type { SourceValue } from "../../packages/runtime/src/sources/formats.ts";
import { gcsSource } from "../../packages/runtime/src/sources/gcs.ts";
import { SharedPoller } from "../../packages/runtime/src/sources/poller.ts";
import { FakeClock } from "./fake-clock.ts";

let server: GcsServer;
let storage: Storage;

beforeAll(async () => {
  server = await startGcsServer();
  storage = new Storage({
    apiEndpoint: server.url,
    projectId: "demo-test",
    retryOptions: { autoRetry: false },
  });
});
afterAll(async () => {
  await server.close();
});

function rows(value: SourceValue): Record<string, unknown>[] {
  if (value.kind !== "table") throw new Error(`expected a table, got ${value.kind}`);
  return tableFromIPC(value.ipc)
    .toArray()
    .map((r: { toJSON(): Record<string, unknown> }) => ({ ...r.toJSON() }));
}

const downloads = (name: string) => server.requests.filter((r) => r.path.includes("alt=media") && r.path.includes(encodeURIComponent(name))).length;

describe("local GCS server with the real client", () => {
  it("creates buckets, uploads (resumable and multipart), lists, reads metadata, downloads", async () => {
    await storage.createBucket("roundtrip");
    const bucket = storage.bucket("roundtrip");
    await bucket.file("a/one.txt").save("hello", { resumable: true });
    await bucket.file("a/two.txt").save("world", { resumable: false });
    await bucket.file("b.txt").save("!");
    const [all] = await bucket.getFiles();
    expect(all.map((f) => f.name).sort()).toEqual(["a/one.txt", "a/two.txt", "b.txt"]);
    const [underA] = await bucket.getFiles({ prefix: "a/" });
    expect(underA.map((f) => f.name)).toEqual(["a/one.txt", "a/two.txt"]);
    const [, , top] = await bucket.getFiles({
      delimiter: "/",
      autoPaginate: false,
    });
    expect((top as { prefixes?: string[] }).prefixes).toEqual(["a/"]);
    const [page1, next] = await bucket.getFiles({
      maxResults: 2,
      autoPaginate: false,
    });
    expect(page1).toHaveLength(2);
    expect(next).toMatchObject({ pageToken: "2" });
    const [page2, last] = await bucket.getFiles(next!);
    expect(page2.map((f) => f.name)).toEqual(["b.txt"]);
    expect(last).toBeNull();
    const [meta] = await bucket.file("a/one.txt").getMetadata();
    expect(meta.size).toBe("5");
    const [bytes] = await bucket.file("a/two.txt").download();
    expect(bytes.toString()).toBe("world");
    const [exists] = await bucket.file("nope.txt").exists();
    expect(exists).toBe(false);
    const g1 = BigInt(String(meta.generation));
    await bucket.file("a/one.txt").save("hello again");
    const [meta2] = await bucket.file("a/one.txt").getMetadata();
    expect(BigInt(String(meta2.generation)) > g1).toBe(true);
  });

  it("accepts paths without /storage/v1 (STORAGE_EMULATOR_HOST style)", async () => {
    server.putObject("plain", "x.txt", "plain bytes");
    const before = server.requests.length;
    const res = await fetch(`${server.url}/b/plain/o/x.txt?alt=media`);
    expect(await res.text()).toBe("plain bytes");
    const meta = (await (await fetch(`${server.url}/b/plain/o/x.txt`)).json()) as { name: string };
    expect(meta.name).toBe("x.txt");
    expect(server.requests.length).toBe(before + 2);
  });
});

describe("gcsSource", () => {
  it("reads CSV into a typed table and downloads only when the generation changes", async () => {
    server.putObject("live", "sensors.csv", "t,v,ok\n2024-01-01,1.5,true\n2024-01-02,2,false\n");
    const clock = new FakeClock();
    const changes: Array<[string, string[]]> = [];
    const poller = new SharedPoller<SourceValue>({
      clock,
      onChange: (key, sessions) => changes.push([key, sessions]),
    });
    const source = () => gcsSource(storage, "gs://live/sensors.csv", { every: 20_000 });
    const first = await poller.read("s1", "k", source());
    expect(rows(first.value)).toEqual([
      { t: Date.UTC(2024, 0, 1), v: 1.5, ok: true },
      { t: Date.UTC(2024, 0, 2), v: 2, ok: false },
    ]);
    expect(downloads("sensors.csv")).toBe(1);

    const metaBefore = server.requests.length;
    await clock.advance(20_000);
    await poller.idle();
    await clock.advance(20_000);
    await poller.idle();
    expect(downloads("sensors.csv")).toBe(1);
    expect(server.requests.length - metaBefore).toBe(2); // one metadata GET per tick
    expect(changes).toEqual([]);

    server.putObject("live", "sensors.csv", "t,v,ok\n2024-01-03,9,true\n");
    await clock.advance(20_000);
    await poller.idle();
    expect(downloads("sensors.csv")).toBe(2);
    expect(changes).toEqual([["k", ["s1"]]]);
    expect(rows(poller.peek("k")!.value)).toEqual([{ t: Date.UTC(2024, 0, 3), v: 9, ok: true }]);

    // Same bytes re-uploaded: a new generation, one download, but nobody reruns.
    server.putObject("live", "sensors.csv", "t,v,ok\n2024-01-03,9,true\n");
    await clock.advance(20_000);
    await poller.idle();
    expect(downloads("sensors.csv")).toBe(3);
    expect(changes).toHaveLength(1);
    poller.close();
    expect(clock.pending).toBe(0);
  });

  it("follows the newest object under a prefix with latest: true", async () => {
    server.putObject("drops", "daily/2024-01-01.json", JSON.stringify([{ day: 1 }]));
    server.putObject("drops", "daily/2024-01-02.json", JSON.stringify([{ day: 2 }]));
    server.putObject("drops", "other/2099.json", JSON.stringify([{ day: 99 }]));
    const clock = new FakeClock();
    const changes: string[][] = [];
    const poller = new SharedPoller<SourceValue>({
      clock,
      onChange: (_k, s) => changes.push(s),
    });
    const source = gcsSource(storage, "gs://drops/daily/", {
      latest: true,
      every: 1000,
    });
    expect(rows((await poller.read("s", "latest", source)).value)).toEqual([{ day: 2 }]);
    await clock.advance(1000);
    await poller.idle();
    expect(changes).toEqual([]);
    server.putObject("drops", "daily/2024-01-03.json", JSON.stringify([{ day: 3 }]));
    await clock.advance(1000);
    await poller.idle();
    expect(changes).toEqual([["s"]]);
    expect(rows(poller.peek("latest")!.value)).toEqual([{ day: 3 }]);
    poller.close();
  });

  it("reads text, bytes, ndjson and explicit formats", async () => {
    server.putObject("fmt", "notes.txt", "just text");
    server.putObject("fmt", "blob.bin", new Uint8Array([1, 2, 3]));
    server.putObject("fmt", "events.ndjson", '{"a":1,"tags":["x"]}\n{"a":2,"tags":[]}\n');
    server.putObject("fmt", "data.dat", "a\n1\n");
    const read = async (uri: string, format?: "csv") => (await gcsSource(storage, uri, { format }).fetch()).value;
    expect(await read("gs://fmt/notes.txt")).toEqual({
      kind: "text",
      text: "just text",
    });
    const blob = await read("gs://fmt/blob.bin");
    expect(blob.kind === "bytes" && [...blob.bytes]).toEqual([1, 2, 3]);
    const events = rows(await read("gs://fmt/events.ndjson"));
    expect(events.map((e) => e.a)).toEqual([1, 2]);
    expect(rows(await read("gs://fmt/data.dat", "csv"))).toEqual([{ a: 1 }]);
  });

  it("names the missing object, the missing bucket, and an empty prefix", async () => {
    server.createBucket("exists");
    await expect(gcsSource(storage, "gs://exists/missing.json").fetch()).rejects.toThrow("object gs://exists/missing.json not found");
    await expect(gcsSource(storage, "gs://no-such-bucket/x.json").fetch()).rejects.toThrow(/bucket no-such-bucket not found/);
    await expect(gcsSource(storage, "gs://no-such-bucket/p/", { latest: true }).fetch()).rejects.toThrow(/bucket no-such-bucket not found/);
    await expect(gcsSource(storage, "gs://exists/empty/", { latest: true }).fetch()).rejects.toThrow("no objects under gs://exists/empty/");
    expect(() => gcsSource(storage, "gs://exists/folder/")).toThrow(/latest: true/);
    expect(() => gcsSource(storage, "s3://x/y")).toThrow(/gs:\/\/bucket/);
    const poller = new SharedPoller<SourceValue>({ onChange: () => {} });
    await expect(poller.read("s", "k", gcsSource(storage, "gs://exists/missing.json"))).rejects.toThrow("object gs://exists/missing.json not found");
    expect(poller.keys()).toEqual(["k"]); // retried for its reader, until it loads or nobody reads it
    poller.release("s");
    expect(poller.keys()).toEqual([]);
  });

  it("says where credentials came from when access is denied", async () => {
    const { createServer } = await import("node:http");
    const denier = createServer((_req, res) => {
      res.writeHead(403, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          error: {
            code: 403,
            message: "caller does not have storage.objects.get access",
            errors: [{ reason: "forbidden", message: "denied" }],
          },
        }),
      );
    });
    await new Promise<void>((r) => denier.listen(0, "127.0.0.1", () => r()));
    const port = (denier.address() as { port: number }).port;
    const previous = process.env.GOOGLE_APPLICATION_CREDENTIALS;
    process.env.GOOGLE_APPLICATION_CREDENTIALS = "/home/me/key.json";
    try {
      const denied = new Storage({
        apiEndpoint: `http://127.0.0.1:${port}`,
        projectId: "p",
        retryOptions: { autoRetry: false },
      });
      await expect(gcsSource(denied, "gs://b/x.csv").fetch()).rejects.toThrow(
        /access to gs:\/\/b\/x.csv denied[\s\S]*\/home\/me\/key.json \(from GOOGLE_APPLICATION_CREDENTIALS\)/,
      );
    } finally {
      if (previous === undefined) delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
      else process.env.GOOGLE_APPLICATION_CREDENTIALS = previous;
      denier.closeAllConnections();
      await new Promise((r) => denier.close(r));
    }
  });
});
