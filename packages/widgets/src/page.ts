import { currentRun } from "@dash/runtime/scope.ts";

export interface PageOptions {
  /** The browser tab's title. */
  title?: string;
  /** An emoji or short text shown as the tab's icon. */
  icon?: string;
  /** `"wide"` uses the full width of the window. */
  layout?: "centered" | "wide";
  /** Start with the sidebar collapsed. */
  sidebar?: "expanded" | "collapsed";
}

/** Page settings: title, icon, layout. Call it once, first. */
export function page(options: PageOptions = {}): void {
  const run = currentRun();
  run.check();
  const props: Record<string, string> = {};
  if (options.title) props.title = options.title;
  if (options.icon) props.icon = options.icon;
  if (options.layout) props.layout = options.layout;
  if (options.sidebar) props.sidebar = options.sidebar;
  run.pageProps = props;
}
