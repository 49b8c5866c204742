import { chromium } from "playwright-core";
const [url, out, scheme = "light", width = "1280"] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"] });
const page = await browser.newPage({ viewport: { width: Number(width), height: 900 }, colorScheme: scheme });
page.on("console", (m) => console.log("console:", m.type(), m.text()));
page.on("pageerror", (e) => console.log("pageerror:", e.message));
await page.goto(url);
await page.waitForFunction(() => window.__dash?.ui().connection === "connected" && !window.__dash.ui().running && document.querySelector(".dash-main .dash-el"));
await page.waitForTimeout(300);
const tabs = await page.getByRole("tab").all();
if (tabs.length && process.env.ALLTABS) {
  for (let i = 0; i < tabs.length; i++) { await tabs[i].click(); await page.waitForTimeout(150); await page.screenshot({ path: out.replace(".png", `-tab${i}.png`), fullPage: true }); }
} else await page.screenshot({ path: out, fullPage: true });
console.log(await page.evaluate(() => document.querySelector(".dash-main").innerText.slice(0, 3000)));
await browser.close();
