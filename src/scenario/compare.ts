// Comparison scenarios (platform "compare"): one PCIe error under each hypervisor model
// (hypervisor/compare.ts — EEH on PowerNV with VFIO, Xen pciback/pcifront, QEMU vfio-pci
// with AER), laid out as one timeline: what each guest saw, each host's log lines (prefixed
// with the model), and whether each guest survived.

import { createAerHost } from "../aer/aer-host.js";
import { CompareInputError, compareInputFromJson } from "../hypervisor/compare-input.js";
import { compareModels } from "../hypervisor/compare.js";
import { checkExpectations, expectationText } from "./expectations.js";
import { ScenarioError } from "./load.js";
import type { RunResult } from "./run.js";
import type { Scenario } from "./schema.js";
import { TIMELINE_VERSION, type TimelineEvent, type TimelineLine } from "./timeline.js";

/** A model's log line keeps its dmesg timestamp as the line's time. */
function stamped(text: string, source: string, prefix: string): TimelineLine {
  const m = /^\[\s*(\d+)\.(\d+)\]\s?/.exec(text);
  const t = m ? Number(m[1]) * 1000 + Number(`0.${m[2]}`) * 1000 : 0;
  return { t, source, level: "info", line: `${prefix}${m ? text.slice(m[0].length) : text}` };
}

export async function runComparison(s: Scenario, seed: number, file = "<scenario>"): Promise<RunResult> {
  let input;
  try {
    input = compareInputFromJson(s.compare);
  } catch (e) {
    if (e instanceof CompareInputError) throw new ScenarioError(e.message.slice(e.path.length + 2), file, e.path === "$" ? "compare" : `compare.${e.path}`);
    throw e;
  }
  const report = await compareModels(input, { nativeAer: createAerHost });
  const events: TimelineEvent[] = [];
  const lines: TimelineLine[] = [];
  let seq = 0;
  events.push({ t: 0, seq: seq++, kind: "action", text: `${report.fault.device} signals ${report.fault.error}${report.fault.kind === "link-down" ? "" : ` (${report.fault.kind})`}; guest driver ${report.driver}` });
  let end = 1;
  for (const m of report.models) {
    events.push({ t: 0, seq: seq++, kind: "hardware", text: `${m.model} (${m.platform}): ${m.hostHandling}`, guest: m.model });
    for (const o of m.guestSaw) {
      events.push({ t: o.time, seq: seq++, kind: "guest", text: `${m.model}: ${o.what}`, guest: m.model });
      end = Math.max(end, o.time);
    }
    if (m.recoveryMs !== undefined) end = Math.max(end, m.recoveryMs);
    events.push({ t: m.recoveryMs ?? end, seq: seq++, kind: "guest", text: `${m.model}: guest ${m.survived ? "survived" : "did not survive"} (${m.guestState})${m.recoveryMs !== undefined ? `, device back after ${m.recoveryMs} ms` : ""}`, guest: m.model });
    for (const l of m.hostLog) lines.push(stamped(l, "host", `[${m.model}] `));
    for (const l of m.guestLog) lines.push(stamped(l, `guest-${m.model}`, ""));
  }
  const survived = new Map(report.models.map((m) => [m.model as string, m.survived]));
  const expectations = checkExpectations(s, { states: [], lines, logs: [], endTime: end, guestOutcome: () => "none", recoveries: [], survived });
  for (const x of expectations) events.push({ t: end, seq: seq++, kind: "expectation", text: expectationText(x), ok: x.ok });
  for (const l of lines) end = Math.max(end, l.t);
  lines.sort((a, b) => a.t - b.t);
  events.sort((a, b) => a.t - b.t || a.seq - b.seq);
  return {
    timeline: {
      version: TIMELINE_VERSION,
      scenario: { name: s.name, ...(s.description !== undefined ? { description: s.description } : {}), platform: "compare", seed },
      phbs: [],
      guests: report.models.map((m) => ({ name: m.model, hypervisor: m.model, outcome: m.survived ? "survived" : "did not survive" })),
      pes: [],
      states: [],
      events,
      lines,
      logs: [],
      expectations,
      endTime: end,
      ok: expectations.every((x) => x.ok),
    },
    logBytes: [],
  };
}
