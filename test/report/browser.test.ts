// The report in a real headless browser: Chromium from the distribution's packages, driven
// by playwright-core. Browser lookup: $EEH_EMU_CHROMIUM, else /usr/bin/chromium, else
// /usr/bin/chromium-browser. Without one the tests are skipped — unless
// EEH_EMU_REQUIRE_BROWSER=1 (as .ci/run sets), when they fail saying why.

import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderReport } from "../../src/report/index.js";
import type { Timeline } from "../../src/scenario/timeline.js";
import { sampleTimeline } from "./sample-timeline.js";

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

function findChromium(): { path?: string; why: string } {
  const env = process.env.EEH_EMU_CHROMIUM;
  if (env) return existsSync(env) ? { path: env, why: "" } : { why: `EEH_EMU_CHROMIUM=${env} does not exist` };
  const found = CANDIDATES.find((p) => existsSync(p));
  return found ? { path: found, why: "" } : { why: `no Chromium at ${CANDIDATES.join(" or ")} and EEH_EMU_CHROMIUM is not set (apt-get install chromium)` };
}

const chromiumPath = findChromium();
const required = process.env.EEH_EMU_REQUIRE_BROWSER === "1";
if (!chromiumPath.path && !required) console.warn(`report browser tests skipped: ${chromiumPath.why}`);

const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

interface Loaded {
  readonly page: Page;
  readonly problems: string[];
  readonly requests: string[];
}

describe.skipIf(!chromiumPath.path && !required)("the report in headless Chromium", () => {
  let browser: Browser | undefined;
  const dir = mkdtempSync(join(tmpdir(), "eeh-emu-report-browser-"));

  beforeAll(async () => {
    // Without a browser (EEH_EMU_REQUIRE_BROWSER=1), each test fails in open() saying why.
    if (chromiumPath.path) browser = await chromium.launch({ executablePath: chromiumPath.path, args: ARGS, timeout: 15_000 });
  }, 20_000);

  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Open the page for a timeline from a file:// URL; record console errors and every request but the page's own. */
  async function open(tl: Timeline, name: string): Promise<Loaded> {
    if (!browser) throw new Error(`EEH_EMU_REQUIRE_BROWSER=1 but ${chromiumPath.why}`);
    const file = join(dir, `${name}.html`);
    writeFileSync(file, renderReport(tl));
    const url = pathToFileURL(file).href;
    const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("dialog", (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    page.on("request", (r) => {
      if (r.url() !== url) requests.push(r.url());
    });
    await page.route("**/*", (route) => (route.request().url() === url ? route.continue() : route.abort()));
    await page.goto(url, { waitUntil: "load" });
    return { page, problems, requests };
  }

  it("loads without errors or network requests and shows every PE lane and event", async () => {
    const tl = sampleTimeline();
    const { page, problems, requests } = await open(tl, "sample");
    expect(await page.locator("[data-lane]").count()).toBe(tl.pes.length);
    expect(await page.locator("svg [data-event]").count()).toBe(tl.events.length);
    expect(await page.locator("tr[data-event-row]").count()).toBe(tl.events.length);
    expect(await page.locator("tr[data-line-row]").count()).toBe(tl.lines.length);
    expect(await page.locator("[data-log]").count()).toBe(tl.logs.length);
    const box = await page.locator("svg.chart").boundingBox();
    expect(box!.width).toBeGreaterThan(900);
    expect(box!.height).toBeGreaterThan(200);
    // lanes are laid out top to bottom, each with a visible state bar
    const lanes = await Promise.all((await page.locator("[data-lane]").all()).map((l) => l.boundingBox()));
    const tops = lanes.map((b) => b!.y);
    expect(tops).toEqual([...tops].sort((a, b) => a - b));
    for (const b of lanes) expect(b!.height).toBeGreaterThan(20);
    expect(await page.locator("#status").textContent()).toBe("PASSED · 3 of 3 expectations held");
    await page.close();
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
  });

  it("links markers, rows and lanes both ways", async () => {
    const tl = sampleTimeline();
    const { page, problems } = await open(tl, "interactive");
    const i = tl.events.findIndex((e) => e.kind === "hardware" && e.pe === "PHB#0-PE#fb");
    await page.locator(`svg [data-event="${i}"]`).click();
    expect(await page.locator(`#ev-${i}`).getAttribute("class")).toContain("selected");
    expect(await page.locator(`[data-lane="PHB#0-PE#fb"]`).getAttribute("class")).toContain("selected-lane");
    expect(await page.locator("#cursor").getAttribute("visibility")).toBe("visible");
    const markerX = await page.locator(`svg [data-event="${i}"]`).getAttribute("data-x");
    expect(await page.locator("#cursor").getAttribute("x1")).toBe(markerX);
    // the row was scrolled into the table's view
    const row = (await page.locator(`#ev-${i}`).boundingBox())!;
    const tableBox = (await page.locator("#table-box").boundingBox())!;
    expect(row.y).toBeGreaterThanOrEqual(tableBox.y - 1);
    expect(row.y + row.height).toBeLessThanOrEqual(tableBox.y + tableBox.height + 1);
    // a log line row selects its marker
    await page.locator("#ln-0").click();
    expect(await page.locator('svg [data-line="0"]').getAttribute("class")).toContain("selected");
    expect(await page.locator(`svg [data-event="${i}"]`).getAttribute("class")).not.toContain("selected");
    // filters hide rows
    await page.locator('input[data-filter="host"]').uncheck();
    expect(await page.locator("tr.r-host").first().isVisible()).toBe(false);
    expect(await page.locator("tr.r-event").first().isVisible()).toBe(true);
    await page.close();
    expect(problems).toEqual([]);
  });

  it("shows a <script> in the document as text and runs nothing from it", async () => {
    const evil = `<script>alert("pwned")</script><img src=x onerror="alert(2)">`;
    const tl = sampleTimeline();
    const { page, problems, requests } = await open({ ...tl, scenario: { ...tl.scenario, name: evil }, lines: [...tl.lines, { t: 1, source: "host", level: "err", line: evil }] }, "escaped");
    expect(await page.locator("#scenario-name").textContent()).toBe(evil);
    expect(await page.locator("main script, main img").count()).toBe(0);
    await page.close();
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
  });
});
