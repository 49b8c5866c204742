// The few parts of oidc-provider (panva) the sign-in tests use; the package ships no types.
declare module "oidc-provider" {
  import type { RequestListener } from "node:http";
  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    callback(): RequestListener;
    proxy: boolean;
  }
}
