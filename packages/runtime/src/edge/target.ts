/**
 * Request targets as a client sent them: any bytes at all. `new URL(target, base)` throws on some
 * (`//a:99999`, `//[`, `http://[`) and reads others as another host (`//evil/_dash/client.js`), so
 * the server reads the target here and answers 400 when it is not a URL.
 */

/** The request target as a URL (its path is the path the client asked for), or null. */
export function targetUrl(target: string | undefined): URL | null {
  if (!target) return null;
  try {
    // origin-form ("/a/b?q") is read on a fixed host, so "//a:99999" is the path "//a:99999";
    // absolute-form ("http://host/a") is allowed by HTTP/1.1 and read as a URL.
    return target.startsWith("/") ? new URL(`http://localhost${target}`) : new URL(target);
  } catch {
    return null;
  }
}
