// A scenario's expectations, checked against what the run recorded. Each gives a result
// that says what was expected and what was seen, so a failing run explains itself.

import type { RecoveryOutcome } from "../eeh/eeh-core.js";
import type { Names } from "./machine.js";
import { peName, refName } from "./machine.js";
import { stateAt } from "./recorder.js";
import type { Scenario, ScenarioExpectation } from "./schema.js";
import type { ExpectationResult, StateSegment, TimelineLine, TimelineLog } from "./timeline.js";
import { UnknownNameError } from "./machine.js";

export interface RunRecord {
  readonly states: readonly StateSegment[];
  readonly lines: readonly TimelineLine[];
  readonly logs: readonly TimelineLog[];
  readonly endTime: number;
  readonly guestOutcome: (name: string) => string;
  readonly recoveries: readonly RecoveryOutcome[];
  /** The machine's names (absent for a comparison, whose expectations name no device). */
  readonly names?: Names;
  /** Comparison scenarios: whether each model's guest survived. */
  readonly survived?: ReadonlyMap<string, boolean>;
}

function sourcesOf(r: RunRecord): Set<string> {
  return new Set(["host", ...r.lines.map((l) => l.source)]);
}

function linesFrom(r: RunRecord, source: string, path: string, s: Scenario): readonly TimelineLine[] {
  const known = new Set([...sourcesOf(r), ...s.guests.map((g) => `guest-${g.name}`)]);
  if (!known.has(source)) throw new UnknownNameError(`no log source "${source}" (sources: ${[...known].join(", ")})`, path);
  return r.lines.filter((l) => l.source === source);
}

const range = (min: number | undefined, max: number | undefined): string =>
  min !== undefined && max !== undefined ? `between ${min} and ${max}` : min !== undefined ? `at least ${min}` : max !== undefined ? `at most ${max}` : "any number of";

/** Finding types of a log's interpretation (JSON form of log/interpret). */
function findingTypes(l: TimelineLog): string[] {
  const i = l.interpretation as { findings?: ReadonlyArray<{ type?: unknown }> } | null;
  return (i?.findings ?? []).map((f) => String(f.type));
}

function namesOf(r: RunRecord, path: string): Names {
  if (!r.names) throw new UnknownNameError("a comparison run has no machine of its own to check", path);
  return r.names;
}

function check(e: ScenarioExpectation, path: string, r: RunRecord, s: Scenario): ExpectationResult {
  switch (e.check) {
    case "pe-state": {
      const pe = peName(namesOf(r, path).pe(e.pe, `${path}.pe`));
      const t = e.at === "end" ? r.endTime : e.at;
      const seen = stateAt(r.states, pe, t);
      const when = e.at === "end" ? "at the end" : `at ${t} ms`;
      return { path, description: `${pe} is ${e.state} ${when}`, ok: seen === e.state, detail: `it was ${seen ?? "not yet recorded"}` };
    }
    case "log": {
      const lines = linesFrom(r, e.source, `${path}.source`, s);
      const re = e.regex !== undefined ? new RegExp(e.regex) : undefined;
      const hits = lines.filter((l) => (re ? re.test(l.line) : l.line.includes(e.text!)));
      const what = re ? `/${e.regex}/` : JSON.stringify(e.text);
      if (e.absent) return { path, description: `no ${e.source} line matches ${what}`, ok: hits.length === 0, detail: hits.length ? `found: ${hits[0]!.line}` : "none found" };
      const min = e.min ?? 1;
      const ok = hits.length >= min && (e.max === undefined || hits.length <= e.max);
      return { path, description: `${range(min, e.max)} ${e.source} lines match ${what}`, ok, detail: `${hits.length} matched${hits[0] ? `, first at ${hits[0].t} ms: ${hits[0].line}` : ""}` };
    }
    case "line-count": {
      const n = linesFrom(r, e.source, `${path}.source`, s).length;
      const ok = (e.min === undefined || n >= e.min) && (e.max === undefined || n <= e.max);
      return { path, description: `${range(e.min, e.max)} ${e.source} lines`, ok, detail: `${n} lines` };
    }
    case "guest": {
      const seen = r.guestOutcome(e.guest);
      return { path, description: `guest ${e.guest}'s recovery: ${e.outcome}`, ok: seen === e.outcome, detail: `it was ${seen}` };
    }
    case "recovery": {
      const p = namesOf(r, path).pe(e.pe, `${path}.pe`);
      const mine = r.recoveries.filter((o) => o.pe.phbId === p.phb && o.pe.pe === p.pe);
      const last = mine.at(-1);
      const seen = last?.outcome ?? "none";
      return { path, description: `the host's recovery of ${peName(p)}: ${e.outcome}`, ok: seen === e.outcome, detail: last ? `it was ${seen} at ${last.time} ms (${mine.length} recover${mine.length === 1 ? "y" : "ies"}, freeze count ${last.freezeCount})` : `no recovery of it ran (recoveries: ${r.recoveries.map((o) => `${refName(o.pe)} ${o.outcome}`).join(", ") || "none"})` };
    }
    case "platform-log": {
      const hits = r.logs.filter((l) => l.kind === e.kind && (e.headline === undefined || l.headline.includes(e.headline)) && (e.finding === undefined || findingTypes(l).includes(e.finding)));
      const what = [e.headline && `reading "${e.headline}"`, e.finding && `with a ${e.finding} finding`].filter(Boolean).join(" ");
      const ofKind = r.logs.filter((l) => l.kind === e.kind);
      return {
        path,
        description: `at least ${e.min} ${e.kind} log${e.min === 1 ? "" : "s"}${what ? ` ${what}` : ""}`,
        ok: hits.length >= e.min,
        detail: `${hits.length} found${hits[0] ? `: ${hits[0].headline}` : ofKind[0] ? ` (the ${e.kind} logs found: ${ofKind.map((l) => `${l.headline} [${findingTypes(l).join(", ")}]`).join("; ")})` : ""}`,
      };
    }
    case "compare": {
      const seen = r.survived?.get(e.model);
      return {
        path,
        description: `under ${e.model} the guest ${e.survived ? "survives" : "does not survive"}`,
        ok: seen === e.survived,
        detail: seen === undefined ? `${e.model} was not run (platform "${s.platform}")` : seen ? "it survived" : "it did not survive",
      };
    }
  }
}

export function checkExpectations(s: Scenario, r: RunRecord): ExpectationResult[] {
  return s.expect.map((e, i) => check(e, `expect[${i}]`, r, s));
}

/** The timeline event text of a checked expectation. */
export function expectationText(x: ExpectationResult): string {
  return `${x.ok ? "ok" : "FAILED"}: ${x.description} — ${x.detail}`;
}
