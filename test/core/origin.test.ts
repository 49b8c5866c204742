import { describe, expect, test } from "vitest";
import { checkOrigin, publicOrigin } from "../../packages/runtime/src/edge/origin.ts";

const ok = (origin: string | undefined, host: string | undefined, policy = {}): boolean => checkOrigin(origin, host, policy).ok;

describe("WebSocket origin check", () => {
  test("without --public-url: a loopback or IP page loaded from this very address", () => {
    expect(ok("http://127.0.0.1:8501", "127.0.0.1:8501")).toBe(true);
    expect(ok("http://localhost:8501", "localhost:8501")).toBe(true);
    expect(ok("http://[::1]:8501", "[::1]:8501")).toBe(true);
    expect(ok("http://10.0.0.5:8501", "10.0.0.5:8501")).toBe(true);
    expect(ok(undefined, "127.0.0.1:8501")).toBe(true); // not a browser
  });

  test("without --public-url: DNS rebinding, other sites, other ports and odd schemes are refused", () => {
    expect(ok("http://evil.example:8501", "evil.example:8501")).toBe(false);
    expect(ok("http://attacker.localhost:8501", "attacker.localhost:8501")).toBe(false);
    expect(ok("http://evil.example", "127.0.0.1:8501")).toBe(false);
    expect(ok("http://127.0.0.1:9999", "127.0.0.1:8501")).toBe(false);
    expect(ok("file://", "127.0.0.1:8501")).toBe(false);
    expect(ok("null", "127.0.0.1:8501")).toBe(false);
    expect(checkOrigin("http://dash.example.com", "dash.example.com", {})).toEqual({
      ok: false,
      why: "a host name other than localhost needs --public-url http://dash.example.com (or --allow-origin)",
    });
  });

  test("with --public-url: its origin (scheme, host and port) and the --allow-origins only", () => {
    const policy = { publicUrl: "https://dash.example.com/app/", allowed: ["https://other.example"] };
    expect(ok("https://dash.example.com", "dash.example.com", policy)).toBe(true);
    expect(ok("https://dash.example.com", "10.0.0.1:8501", policy)).toBe(true); // behind a proxy that rewrites Host
    expect(ok("https://other.example", "x", policy)).toBe(true);
    expect(ok("http://dash.example.com", "dash.example.com", policy)).toBe(false);
    expect(ok("https://dash.example.com:8443", "dash.example.com:8443", policy)).toBe(false);
    expect(ok("http://127.0.0.1:8501", "127.0.0.1:8501", policy)).toBe(false);
  });

  test("a malformed --public-url is named", () => {
    expect(() => publicOrigin("dash.example.com")).toThrow(/--public-url must be an absolute URL/);
    expect(() => publicOrigin("ftp://dash.example.com")).toThrow(/http\(s\)/);
  });
});
