import type { Storage } from "@google-cloud/storage";

export interface WindowRow {
  hashtag: string;
  count: number;
  window_start: string;
  window_end: string;
}

export function makeWindow(start: Date, ms: number, weights: number[], next: () => number): WindowRow[];

export interface GeneratorOptions {
  bucket: string;
  prefix?: string;
  /** Window length and write interval, ms (default 5000). */
  every?: number;
  /** Windows written at once at start, ending now (default 0). */
  backfill?: number;
  storage?: Storage;
  seed?: number;
  log?: (line: string) => void;
}

export interface Generator {
  /** Write the next window now; resolves with its object name. */
  writeNow(): Promise<string>;
  stop(): void;
}

export function startGenerator(options: GeneratorOptions): Promise<Generator>;
