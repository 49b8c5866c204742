import { describe, expect, it } from "vitest";
import { helloMessage } from "../../../packages/runtime/src/hello.ts";

const ada = { sub: "u1", name: "Ada", email: "ada@example.com", groups: [], claims: {} };
const pages = [
  { name: "index", file: "/a/index.ts", title: "Home" },
  { name: "sales", file: "/a/sales.ts", title: "Sales", icon: "💰" },
];

describe("the hello a browser gets", () => {
  it("a single-page app has no navigation; the page is named once the app is loaded", () => {
    expect(helloMessage("s1", null, false, null)).toEqual({ t: "hello", session: "s1", resumed: false, pages: [] });
    expect(helloMessage("s1", null, true, { pages: pages.slice(0, 1), defaultPage: "index" })).toEqual({
      t: "hello",
      session: "s1",
      resumed: true,
      pages: [],
      page: "index",
    });
  });

  it("a multi-page app lists its pages: the default one at /, the others at /<name>, icons when given", () => {
    expect(helloMessage("s1", null, false, { pages, defaultPage: "sales" }).pages).toEqual([
      { name: "index", title: "Home", path: "/index" },
      { name: "sales", title: "Sales", icon: "💰", path: "/" },
    ]);
  });

  it("names the signed-in account, with where Sign out goes when there is one", () => {
    expect(helloMessage("s1", ada, false, null, "/.dash/signout")).toMatchObject({
      account: { name: "Ada", email: "ada@example.com", signOut: "/.dash/signout" },
    });
    expect(helloMessage("s1", ada, false, null, null)).toMatchObject({ account: { name: "Ada", email: "ada@example.com" } });
    expect(helloMessage("s1", ada, false, null, null)).not.toHaveProperty("account.signOut");
  });
});
