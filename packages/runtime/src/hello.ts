/**
 * The app's pages as the host knows them, and the `hello` a browser gets when its session opens
 * or resumes: the session id, the signed-in account, the navigation of a multi-page app.
 */
import type { User } from "./auth/common.ts";
import type { ServerMessage } from "./protocol.ts";

export interface PageSpec {
  name: string;
  file: string;
  title: string;
  /** What the page gives `page({ icon })`, shown beside its title in the navigation. */
  icon?: string;
}

export interface Pages {
  pages: PageSpec[];
  defaultPage: string;
}

/**
 * The hello of session `sid`. A single-page app has no navigation; the default page's path is
 * `/`, the others `/<name>`. `signOut` is where the page's "Sign out" goes (sign-in modes that
 * have one).
 */
export function helloMessage(
  sid: string,
  user: User | null,
  resumed: boolean,
  app: Pages | null,
  signOut?: string | null,
): Extract<ServerMessage, { t: "hello" }> {
  const pages = app?.pages ?? [];
  return {
    t: "hello",
    session: sid,
    resumed,
    ...(user ? { account: { name: user.name, email: user.email, ...(signOut ? { signOut } : {}) } } : {}),
    pages:
      pages.length > 1
        ? pages.map((p) => ({
            name: p.name,
            title: p.title,
            ...(p.icon ? { icon: p.icon } : {}),
            path: p.name === app?.defaultPage ? "/" : `/${p.name}`,
          }))
        : [],
    ...(app ? { page: app.defaultPage } : {}),
  };
}
