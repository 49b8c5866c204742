import type { Browser } from "playwright-core";
/** The flags Chromium needs on this machine (headless, no GPU, no network probes). */
export const chromiumArgs: string[];
export function launchChromium(): Promise<Browser>;
