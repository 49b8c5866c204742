/**
 * Says where Google credentials come from, so an "access denied" error tells the author what to fix.
 */

/** Describes the credentials `@google-cloud/storage` uses under `env`. */
export function describeStorageCredentials(env: NodeJS.ProcessEnv = process.env): string {
  if (env.STORAGE_EMULATOR_HOST) return `none: STORAGE_EMULATOR_HOST=${env.STORAGE_EMULATOR_HOST} points at an emulator or local server`;
  return describeGoogleCredentials(env);
}

/** Describes the credentials `@google-cloud/bigquery` uses under `env`. */
export function describeBigQueryCredentials(env: NodeJS.ProcessEnv = process.env): string {
  if (env.BIGQUERY_EMULATOR_HOST) return `none: BIGQUERY_EMULATOR_HOST=${env.BIGQUERY_EMULATOR_HOST} points at an emulator or local server`;
  return describeGoogleCredentials(env);
}

function describeGoogleCredentials(env: NodeJS.ProcessEnv): string {
  if (env.GOOGLE_APPLICATION_CREDENTIALS) return `the key file ${env.GOOGLE_APPLICATION_CREDENTIALS} (from GOOGLE_APPLICATION_CREDENTIALS)`;
  return "application default credentials (from `gcloud auth application-default login`, or the metadata server on Google Cloud)";
}

/** The HTTP status or error code of an error thrown by a Google client library. */
export function codeOf(error: unknown): number | string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === "number" || typeof code === "string" ? code : undefined;
}

const unreachable = new Set(["ECONNREFUSED", "ENOTFOUND", "ECONNRESET", "ETIMEDOUT", "EAI_AGAIN", "EHOSTUNREACH"]);

/** True when the error means the service could not be reached at all. */
export function isUnreachable(error: unknown): boolean {
  const code = codeOf(error);
  if (typeof code === "string" && unreachable.has(code)) return true;
  const message = error instanceof Error ? error.message : String(error);
  return [...unreachable].some((c) => message.includes(c));
}
