/**
 * Fake connector data for `testApp(file, { sources })`: `dash.gcs`, `dash.bigquery` and
 * `dash.file` answered by the test's functions instead of Cloud Storage, BigQuery or the disk.
 *
 * A fake is called on every read (so each `app.run()` sees what it returns now). Throwing on the
 * first read is a failed first load (the page shows the error); throwing after a success keeps
 * the last good data and marks it stale, as a failing poll does; returning data again recovers.
 */
import { createHash } from "node:crypto";
import { Table, tableToIPC } from "apache-arrow";
import type { ParamValue } from "@dash/runtime/sources/bigquery.ts";
import { decode, maybeFormat, rowsToTable, type SourceValue } from "@dash/runtime/sources/formats.ts";
import { sourceKey, type SourceReply, type SourceSpec } from "@dash/runtime/sources/hub.ts";
import { messageOf } from "@dash/runtime/sources/source.ts";
import type { BigQueryOptions, FileOptions, GcsOptions, Staleness } from "@dash/widgets/live.ts";

/** What a fake returns: rows, an Arrow table, or an object's content (read in the source's format). `undefined`: use the real source. */
export type FakeData = readonly Record<string, unknown>[] | Table | string | Uint8Array | undefined;
type Maybe<T> = T | Promise<T>;

export interface FakeSources {
  gcs?: (uri: string, options: GcsOptions) => Maybe<FakeData>;
  bigquery?: (sql: string, params: Record<string, ParamValue>, options: BigQueryOptions) => Maybe<FakeData>;
  file?: (path: string, options: FileOptions) => Maybe<FakeData>;
}

/** Answers specs from `sources`, remembering the last good reply of each for staleness. */
export function fakeAnswer(sources: FakeSources, now: () => number = Date.now): (spec: SourceSpec) => Promise<SourceReply | undefined> {
  const last = new Map<string, { reply: SourceReply; at: number; stale?: Staleness }>();
  return async (spec) => {
    const key = sourceKey(spec);
    let data: FakeData;
    try {
      data = await call(sources, spec);
      if (data === undefined) return undefined;
      const value = await toValue(data, spec);
      const reply: SourceReply = { key, version: digest(value), value };
      last.set(key, { reply, at: now() });
      return reply;
    } catch (error) {
      const previous = last.get(key);
      if (!previous) throw error;
      previous.stale = { error: messageOf(error), since: previous.stale?.since ?? now(), lastSuccess: previous.at };
      return { ...previous.reply, stale: previous.stale };
    }
  };
}

function call(sources: FakeSources, spec: SourceSpec): Maybe<FakeData> {
  switch (spec.kind) {
    case "gcs": {
      const { kind: _kind, uri, ...options } = spec;
      return sources.gcs?.(uri, options);
    }
    case "bigquery": {
      const { kind: _kind, sql, params, ...options } = spec;
      return sources.bigquery?.(sql, params ?? {}, { params, ...options });
    }
    case "file": {
      const { kind: _kind, path, cwd: _cwd, ...options } = spec;
      return sources.file?.(path, options);
    }
    case "poll":
      return undefined; // the app's own fetcher answers
  }
}

async function toValue(data: NonNullable<FakeData>, spec: SourceSpec): Promise<SourceValue> {
  if (data instanceof Table) return { kind: "table", ipc: tableToIPC(data, "stream") };
  if (Array.isArray(data)) return { kind: "table", ipc: tableToIPC(rowsToTable(data as Record<string, unknown>[]), "stream") };
  const name = spec.kind === "gcs" ? spec.uri : spec.kind === "file" ? spec.path : "query.json";
  const format = spec.kind === "gcs" || spec.kind === "file" ? maybeFormat(spec.format, name) : "json";
  if (format === "text" && typeof data === "string") return { kind: "text", text: data };
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : (data as Uint8Array);
  return decode(bytes, format === "bytes" && typeof data === "string" ? "text" : format, name);
}

function digest(value: SourceValue): string {
  const hash = createHash("sha1");
  if (value.kind === "table") hash.update(value.ipc);
  else if (value.kind === "bytes") hash.update(value.bytes);
  else hash.update(value.text);
  return `${value.kind}:${hash.digest("hex")}`;
}
