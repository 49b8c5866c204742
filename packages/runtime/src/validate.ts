/**
 * The server's edge: every message from a browser is checked here before anything else sees it.
 * The schemas mirror `ClientMessage` and `BinaryHeader` in protocol.ts; the type assertions at the
 * bottom compare them message by message and field by field, and fail the build if they drift apart.
 */
import { z } from "zod";
import type { BinaryHeader, ClientMessage, Json } from "./protocol.ts";
import { decodeBinary } from "./protocol.ts";
import { nestsDeeperThan } from "./edge/json-depth.ts";

/** Largest text frame the server accepts from a browser. */
export const maxClientTextBytes = 2_000_000;

/** Deepest nesting of arrays and objects accepted in a message (widget values nest a few levels). */
export const maxJsonDepth = 64;

const json: z.ZodType<Json> = z.lazy(() =>
  z.union([z.null(), z.boolean(), z.number().finite(), z.string().max(1_000_000), z.array(json).max(10_000), z.record(z.string().max(500), json)]),
);
const id = z.string().max(500);

const clientMessage = z.discriminatedUnion("t", [
  z.object({
    t: z.literal("hello"),
    session: z.string().max(64).optional(),
    version: z.number().int().nonnegative().optional(),
    query: z.record(z.string().max(200), z.string().max(2000)).optional(),
    widgets: z.record(id, json).optional(),
    page: z.string().max(200).optional(),
    hidden: z.boolean().optional(),
  }),
  z.object({ t: z.literal("set"), id, value: json }),
  z.object({ t: z.literal("click"), id }),
  z.object({ t: z.literal("submit"), form: id, values: z.record(id, json) }),
  z.object({ t: z.literal("resync") }),
  z.object({ t: z.literal("nav"), page: z.string().max(200) }),
  z.object({ t: z.literal("visibility"), hidden: z.boolean() }),
  z.object({ t: z.literal("clearUpload"), id }),
  z.object({ t: z.literal("ping"), at: z.number() }),
]);

const uploadHeader = z.object({
  kind: z.literal("upload"),
  id,
  name: z.string().max(1000),
  type: z.string().max(200),
  index: z.number().int().nonnegative().max(1000),
  count: z.number().int().positive().max(1000),
  size: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  offset: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
});

export type Parsed<T> = { ok: true; message: T } | { ok: false; error: string };

/** Validate one text frame from the browser. */
export function parseClientMessage(text: string): Parsed<ClientMessage> {
  if (text.length > maxClientTextBytes) return { ok: false, error: `message too large (${text.length} bytes)` };
  if (nestsDeeperThan(text, maxJsonDepth)) return { ok: false, error: `message nests deeper than ${maxJsonDepth} levels` };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, error: "message is not JSON" };
  }
  const result = clientMessage.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    return { ok: false, error: `invalid message: ${issue ? `${issue.path.join(".") || "message"}: ${issue.message}` : "unknown"}` };
  }
  return { ok: true, message: result.data };
}

/** Validate one binary frame from the browser (only file uploads are accepted). */
export function parseUpload(frame: Uint8Array): Parsed<{ header: Extract<BinaryHeader, { kind: "upload" }>; payload: Uint8Array }> {
  const decoded = decodeBinary(frame);
  if (!decoded) return { ok: false, error: "malformed binary frame" };
  const header = uploadHeader.safeParse(decoded.header);
  if (!header.success) return { ok: false, error: "binary frame is not a file upload" };
  return { ok: true, message: { header: header.data, payload: decoded.payload } };
}

// The schemas and the protocol's types must describe the same messages.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const check = <T extends true>(): T => true as T;
// Message by message and field by field (names, optionality and types), not only the `t`s.
/** Exactly the same type (an optional field on one side only counts as a difference). */
type Exact<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;
type Each<T extends { t: string }> = { [K in T["t"]]: Extract<T, { t: K }> };
type Agree<A extends { t: string }, B extends { t: string }> = {
  [K in A["t"] | B["t"]]: K extends A["t"] ? (K extends B["t"] ? Exact<Each<A>[K], Each<B>[K]> : false) : false;
};
check<Same<z.infer<typeof clientMessage>["t"], ClientMessage["t"]>>();
check<Agree<z.infer<typeof clientMessage>, ClientMessage>[ClientMessage["t"]]>();
check<Exact<z.infer<typeof uploadHeader>, Extract<BinaryHeader, { kind: "upload" }>>>();
