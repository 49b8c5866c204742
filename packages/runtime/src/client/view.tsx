/**
 * The page as the viewer sees it: the sidebar (pages and the script's sidebar), the top bar
 * (running, connection, account menu), error banners, the script's output and toasts.
 */
import { Component, type FunctionComponent } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { Account, ErrorInfo, Json, PageInfo } from "../protocol.ts";
import type { Renderer } from "./app.tsx";
import { useDash, useNode } from "./context.ts";
import type { Store } from "./store.ts";
import type { UiState } from "./ui.ts";

/** What a data element drawn from a failing source's last good data says (see `staleProp`). */
function staleData(mark: Json | undefined): string | undefined {
  if (!mark || typeof mark !== "object" || Array.isArray(mark)) return undefined;
  const date = new Date(Number(mark.lastSuccess));
  const time = date.toDateString() === new Date().toDateString() ? date.toLocaleTimeString() : date.toLocaleString();
  return `Stale data from ${String(mark.source)}, last updated ${time}: ${String(mark.error)}. Retrying.`;
}

/** The signed-in viewer's menu: who they are, and "Sign out" when the sign-in mode has one. */
const AccountMenu: FunctionComponent<{ account: Account }> = ({ account }) => {
  const [open, setOpen] = useState(false);
  useEffect(() => {
    if (!open) return;
    const close = (event: Event): void => {
      if (!(event.target instanceof Element && event.target.closest(".dash-menu"))) setOpen(false);
    };
    const escape = (event: KeyboardEvent): void => {
      if (event.key === "Escape") setOpen(false);
    };
    document.addEventListener("click", close);
    document.addEventListener("keydown", escape);
    return () => {
      document.removeEventListener("click", close);
      document.removeEventListener("keydown", escape);
    };
  }, [open]);
  return (
    <div class="dash-menu">
      <button type="button" class="dash-menu-button" aria-haspopup="true" aria-expanded={open} aria-label="Menu" onClick={() => setOpen(!open)}>
        <span class="dash-avatar" aria-hidden="true">
          {(account.name || account.email).charAt(0).toUpperCase()}
        </span>
      </button>
      {open ? (
        <div class="dash-menu-list" role="menu">
          <div class="dash-menu-who">
            <strong>{account.name}</strong>
            {account.email && account.email !== account.name ? <span>{account.email}</span> : null}
          </div>
          {account.signOut ? (
            <a role="menuitem" href={account.signOut}>
              Sign out
            </a>
          ) : null}
        </div>
      ) : null}
    </div>
  );
};

const Unknown: Renderer = ({ node }) => <div class="dash-unknown">Unknown element “{node.type}”</div>;

const ErrorBanner: FunctionComponent<{ title: string; error: ErrorInfo }> = ({ title, error }) => (
  <div class="dash-banner" role="alert">
    <strong>{title}</strong>
    {error.file ? (
      <div class="dash-banner-where">
        {error.file}
        {error.line ? `:${error.line}` : ""}
        {error.column ? `:${error.column}` : ""}
      </div>
    ) : null}
    <pre>{error.message}</pre>
    {error.frame ? <pre class="dash-banner-frame">{error.frame}</pre> : null}
  </div>
);

/** An emoji (or short text) as the tab's icon, drawn once into a PNG. */
function useTabIcon(icon: Json | undefined): void {
  useEffect(() => {
    if (typeof icon !== "string") return;
    // (An SVG icon would be parsed again as a document each time the URL changes, as
    // query-bound widgets make it.)
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 64;
    const ctx = canvas.getContext("2d");
    if (!ctx) return;
    ctx.font = "56px sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.fillText(icon, 32, 36);
    let link = document.querySelector<HTMLLinkElement>("link[rel=icon]");
    if (!link) {
      link = document.createElement("link");
      link.rel = "icon";
      document.head.append(link);
    }
    link.href = canvas.toDataURL("image/png");
  }, [icon]);
}

/** The page's root component, drawing `store` with `renderers`; `go` opens another page of the app. */
export function pageView(store: Store, renderers: Record<string, Renderer>, ui: UiState, go: (page: PageInfo) => void): FunctionComponent {
  /**
   * One node of the page. It re-renders only when a patch touches it (its own subscription) or
   * its id changes, never because an ancestor re-rendered: a status change or a new sibling costs
   * nothing for the rest of the page.
   */
  class NodeView extends Component<{ id: number }> {
    private unsubscribe: (() => void) | null = null;
    override componentDidMount(): void {
      this.unsubscribe = store.subscribe(this.props.id, () => this.forceUpdate());
    }
    override componentWillUnmount(): void {
      this.unsubscribe?.();
    }
    override shouldComponentUpdate(next: { id: number }): boolean {
      return next.id !== this.props.id;
    }
    override render() {
      const { id } = this.props;
      const node = store.nodes.get(id);
      if (!node) return null;
      const Render = renderers[node.type] ?? Unknown;
      const children = (node.children ?? []).map((child) => <NodeView key={child} id={child} />);
      const stale = node.props.$stale === true;
      const old = staleData(node.props.$dataStale);
      return (
        <div
          class={`dash-el el-${node.type}${stale ? " dash-stale" : ""}${old ? " dash-data-stale" : ""}`}
          data-node={id}
          aria-busy={stale || undefined}
          title={old}
          aria-description={old}
        >
          <Render id={id} node={node} children={children} />
        </div>
      );
    }
  }

  const Root: FunctionComponent = () => {
    const state = ui.use();
    const root = useNode(0);
    const { store: s } = useDash();
    const sidebarId = root?.children?.[0];
    const mainId = root?.children?.[1];
    const sidebar = sidebarId !== undefined ? s.nodes.get(sidebarId) : undefined;
    useNode(sidebarId ?? -1);
    const props = root?.props ?? {};
    const [collapsed, setCollapsed] = useState<boolean | null>(null);
    const isCollapsed = collapsed ?? (props.sidebar === "collapsed" || window.innerWidth < 700);
    const pageTitle = state.pages.find((p) => p.name === state.page)?.title;
    useEffect(() => {
      document.title = String(props.title ?? pageTitle ?? "dash");
    }, [props.title, pageTitle]);
    useTabIcon(props.icon);
    const hasSidebar = (sidebar?.children?.length ?? 0) > 0 || state.pages.length > 1;
    const navigate =
      (page: PageInfo) =>
      (event: Event): void => {
        event.preventDefault();
        go(page);
      };
    return (
      <div
        class={`dash-app layout-${props.layout === "wide" ? "wide" : "centered"}${hasSidebar ? " has-sidebar" : ""}${isCollapsed ? " sidebar-collapsed" : ""}`}
      >
        {hasSidebar ? (
          <aside class="dash-sidebar" aria-label="Sidebar" hidden={isCollapsed}>
            {state.pages.length > 1 ? (
              <nav class="dash-pages" aria-label="Pages">
                {state.pages.map((page) => {
                  // The page being shown gives its icon as it runs; the others as the server read it.
                  const icon = page.name === state.page && typeof props.icon === "string" ? props.icon : page.icon;
                  return (
                    <a href={page.path} aria-current={page.name === state.page ? "page" : undefined} onClick={navigate(page)}>
                      {icon ? (
                        <span class="dash-page-icon" aria-hidden="true">
                          {icon}
                        </span>
                      ) : null}
                      {page.title}
                    </a>
                  );
                })}
              </nav>
            ) : null}
            {sidebarId !== undefined ? <NodeView id={sidebarId} /> : null}
          </aside>
        ) : null}
        <div class="dash-body">
          <header class="dash-topbar">
            {hasSidebar ? (
              <button
                type="button"
                class="dash-sidebar-toggle"
                aria-expanded={!isCollapsed}
                aria-label={isCollapsed ? "Open sidebar" : "Close sidebar"}
                onClick={() => setCollapsed(!isCollapsed)}
              >
                {isCollapsed ? "☰" : "⟨"}
              </button>
            ) : null}
            <span class="dash-spacer" />
            {state.running ? (
              <span class="dash-running" role="status">
                <span class="dash-spin" aria-hidden="true" /> Running…
              </span>
            ) : null}
            <span class={`dash-connection ${state.connection}`} role="status" aria-live="polite" title={state.connection}>
              <span class="dash-dot" aria-hidden="true" />
              {state.connection === "connected" ? "Connected" : state.connection === "connecting" ? "Connecting…" : "Reconnecting…"}
            </span>
            {state.account ? <AccountMenu account={state.account} /> : null}
          </header>
          <main class="dash-main">
            {state.buildError ? <ErrorBanner title="The script has an error" error={state.buildError} /> : null}
            {state.scriptError ? <ErrorBanner title="The script was stopped" error={state.scriptError} /> : null}
            {state.typeErrors.slice(0, 3).map((error) => (
              <ErrorBanner title="Type error" error={error} />
            ))}
            {mainId !== undefined ? <NodeView id={mainId} /> : null}
          </main>
        </div>
        <div class="dash-toasts" aria-live="polite">
          {state.toasts.map((t) => (
            <div key={t.id} class={`dash-toast ${t.kind}`} role={t.kind === "warning" ? "alert" : "status"}>
              {t.icon ? <span aria-hidden="true">{t.icon} </span> : null}
              {t.message}
            </div>
          ))}
        </div>
      </div>
    );
  };
  return Root;
}
