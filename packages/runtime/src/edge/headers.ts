/** Headers every response carries (the page adds its Content-Security-Policy, with frame-ancestors 'none'). */
import type http from "node:http";

export function securityHeaders(res: http.ServerResponse): void {
  res.setHeader("x-content-type-options", "nosniff");
  res.setHeader("x-frame-options", "DENY");
  res.setHeader("referrer-policy", "same-origin");
}
