import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { clientAddress, trustedProxies } from "../../packages/runtime/src/edge/forwarded.ts";

const request = (peer: string, forwardedFor?: string | string[]): IncomingMessage =>
  ({ socket: { remoteAddress: peer }, headers: forwardedFor === undefined ? {} : { "x-forwarded-for": forwardedFor } }) as unknown as IncomingMessage;

describe("the viewer's address behind trusted proxies", () => {
  const proxies = trustedProxies(["loopback", "10.0.0.0/8"]);

  it("is the peer's address without --trusted-proxy, whatever the header says", () => {
    expect(trustedProxies(undefined)).toBeNull();
    expect(trustedProxies([""])).toBeNull();
    expect(clientAddress(request("::ffff:127.0.0.1", "203.0.113.9"), null)).toBe("127.0.0.1");
  });

  it("is the first untrusted hop from the right", () => {
    expect(clientAddress(request("127.0.0.1", "203.0.113.9"), proxies)).toBe("203.0.113.9");
    expect(clientAddress(request("::ffff:10.1.2.3", "198.51.100.1, 203.0.113.9, 10.0.0.7"), proxies)).toBe("203.0.113.9");
    expect(clientAddress(request("::1", ["203.0.113.9", "10.0.0.7"]), proxies)).toBe("203.0.113.9");
    expect(clientAddress(request("127.0.0.1", "[2001:db8::1]:4711, 10.0.0.7:80"), proxies)).toBe("2001:db8::1");
  });

  it("cannot be chosen by the viewer: what it wrote stays left of its own address", () => {
    // The viewer at 203.0.113.9 sent "X-Forwarded-For: 198.51.100.1"; nginx appended its address.
    expect(clientAddress(request("127.0.0.1", "198.51.100.1, 203.0.113.9"), proxies)).toBe("203.0.113.9");
    // A viewer connecting straight to dash is not a proxy: its header is ignored.
    expect(clientAddress(request("203.0.113.9", "198.51.100.1"), proxies)).toBe("203.0.113.9");
  });

  it("stops at a hop that is not an address, and takes the leftmost when every hop is a proxy", () => {
    expect(clientAddress(request("127.0.0.1", "unknown, 10.0.0.7"), proxies)).toBe("10.0.0.7");
    expect(clientAddress(request("127.0.0.1", "10.0.0.8, 10.0.0.7"), proxies)).toBe("10.0.0.8");
    expect(clientAddress(request("127.0.0.1", ""), proxies)).toBe("127.0.0.1");
  });

  it("names a malformed entry", () => {
    expect(() => trustedProxies(["10.0.0.0/33"])).toThrow('--trusted-proxy: "10.0.0.0/33" is not an address, a CIDR range (e.g. 10.0.0.0/8) or loopback.');
  });
});
