// Debian's Chromium, launched with the flags this machine needs (no network probes, no GPU).
import { chromium } from "playwright-core";

export const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Frames as fast as the page can make them instead of at the display's 60 Hz: a gap between two
 * requestAnimationFrame callbacks is then the time the frame took, not a multiple of 16.7 ms.
 */
export const unthrottledArgs = ["--disable-frame-rate-limit", "--disable-gpu-vsync"];

export function launchChromium(extraArgs = []) {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: [...chromiumArgs, ...extraArgs] });
}
