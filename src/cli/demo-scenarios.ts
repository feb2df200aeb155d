// The second half of `eeh-emu demo`: a few of the shipped scenarios (fixtures/scenarios),
// run on the virtual clock and each told in a few lines — what went wrong, what Linux, the
// guest or the hypervisor did about it, and how it ended.

import { readFileSync } from "node:fs";
import { loadScenario } from "../scenario/load.js";
import { runScenario } from "../scenario/run.js";
import type { Timeline, TimelineEvent } from "../scenario/timeline.js";

/** Shipped with the package (package.json "files"), found beside src/ or dist/. */
const SCENARIO_DIR = new URL("../../fixtures/scenarios/", import.meta.url);

export const DEMO_SCENARIOS = ["link-loss-behind-switch", "freeze-limit", "vfio-guest-recovery", "guest-flood", "pseries-rtas", "compare-xen-qemu"] as const;

/** The events worth a line in a story: what happened, and how recovery went. */
const TOLD: Partial<Record<TimelineEvent["kind"], RegExp>> = {
  hardware: /frozen:|fenced|is dead|link down|\(PowerNV|\(x86/,
  eeh: /^EEH (recovering|recovered|failed|hotplug-remove)/,
  guest: /starting EEH recovery|recovery (recovered|failed|not-frozen)|flooded|survived/,
  log: /./,
};

function storyOf(tl: Timeline): string[] {
  const pick = (e: TimelineEvent): boolean => e.kind === "action" || (TOLD[e.kind]?.test(e.text) ?? false);
  // The same thing over and over (a flood's freezes) is one line with a count.
  const told: Array<{ e: TimelineEvent; times: number }> = [];
  for (const e of tl.events.filter(pick)) {
    const last = told.at(-1);
    if (last && last.e.text === e.text) last.times++;
    else told.push({ e, times: 1 });
  }
  const shown = told.length > 10 ? [...told.slice(0, 5), undefined, ...told.slice(-4)] : told;
  const out = shown.map((x) => (x ? `     ${`${(x.e.t / 1000).toFixed(3)} s`.padStart(10)}  ${x.e.text}${x.times > 1 ? ` (× ${x.times})` : ""}` : "     …"));
  const hostLines = tl.lines.filter((l) => l.source === "host").length;
  const held = tl.expectations.filter((x) => x.ok).length;
  out.push(`     → ${hostLines} host log lines, ${tl.logs.length} platform log${tl.logs.length === 1 ? "" : "s"}; ${held} of ${tl.expectations.length} expectations held`);
  return out;
}

export async function scenarioStories(first: number): Promise<string[]> {
  const out = ["Scenarios (fixtures/scenarios/*.json; run any of them with `eeh-emu run <file>`):", ""];
  for (const [i, name] of DEMO_SCENARIOS.entries()) {
    const url = new URL(`${name}.json`, SCENARIO_DIR);
    const s = loadScenario(readFileSync(url, "utf8"), `${name}.json`);
    const { timeline } = await runScenario(s, { file: `${name}.json` });
    out.push(`${first + i}. ${name}: ${s.description ?? ""}`, ...storyOf(timeline), "");
  }
  return out;
}
