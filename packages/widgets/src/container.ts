import { scopeOf } from "@dash/runtime/scope.ts";
import { handle } from "./handle.ts";
import type { Container } from "./index.ts";

export interface ContainerOptions {
  border?: boolean;
  /** Fixed height in pixels, scrolling inside. */
  height?: number;
}

/** A group of elements, e.g. to fill a part of the page out of order. */
export function container(this: unknown, options: ContainerOptions = {}): Container {
  const props: Record<string, number | boolean> = { border: options.border ?? false };
  if (options.height) props.height = options.height;
  return handle(scopeOf(this).child("container", props));
}
