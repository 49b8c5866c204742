/**
 * How deeply a JSON text nests, found by one pass over its characters before anything parses it:
 * the schema check (zod) recurses once per level, so `[[[[…]]]]` 10,000 levels deep overflowed
 * the stack and ended the server.
 */

/** Does `text` open more than `max` arrays/objects inside each other? Strings are skipped. */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > max) return true;
    } else if (c === 93 /* ] */ || c === 125 /* } */) depth--;
  }
  return false;
}
