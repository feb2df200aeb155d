// Run a scenario on the virtual clock and produce its timeline. The runner owns time: it
// fires timers in order up to each step's time, performs the step, lets the EEH core's
// `eehd` and any guest flows run, and records what changed. After the last step it runs
// until nothing is pending (or until the scenario's `until`). Nothing reads the wall clock,
// so a run is a pure function of (scenario, seed).

import { EehError } from "../core/errors.js";
import { perform, type ActionContext } from "./actions.js";
import { checkExpectations, expectationText } from "./expectations.js";
import { ScenarioError } from "./load.js";
import { UnknownNameError } from "./machine.js";
import { expandRandomFaults } from "./random.js";
import { Recorder } from "./recorder.js";
import { runComparison } from "./compare.js";
import type { Scenario, ScenarioAction } from "./schema.js";
import { TIMELINE_VERSION, type Timeline, type TimelineLine } from "./timeline.js";
import { World } from "./world.js";
import { ClockPump } from "./host.js";
import { modelOf } from "../ioda/phb-engine.js";

export interface RunOptions {
  /** Seed for random steps (default: the scenario's). */
  readonly seed?: number;
  /** The file the scenario came from, for error messages. */
  readonly file?: string;
  /** Called as the run goes: fraction done (0..1) and the virtual time. */
  readonly onProgress?: (fraction: number, virtualMs: number) => void;
}

/** What a run produced: the timeline and the raw bytes of every platform log in it. */
export interface RunResult {
  readonly timeline: Timeline;
  /** logs[i] are the bytes of timeline.logs[i]. */
  readonly logBytes: readonly Uint8Array[];
}

export async function runScenario(s: Scenario, options: RunOptions = {}): Promise<RunResult> {
  const file = options.file ?? "<scenario>";
  const seed = options.seed ?? s.seed;
  try {
    if (s.platform === "compare") return await runComparison(s, seed, file);
    return await runWorld(s, seed, options);
  } catch (e) {
    // Names that resolve to nothing, steps the hardware refuses: say which step, in the file.
    if (e instanceof ScenarioError) throw e;
    if (e instanceof UnknownNameError) throw new ScenarioError(e.message, file, e.path);
    if (e instanceof EehError) {
      const path = typeof e.context["path"] === "string" ? (e.context["path"] as string) : "$";
      throw new ScenarioError(e.message.startsWith(`${path}: `) ? e.message.slice(path.length + 2) : e.message, file, path);
    }
    throw e;
  }
}

async function runWorld(s: Scenario, seed: number, options: RunOptions): Promise<RunResult> {
  const w = await World.create(s);
  const rec = new Recorder(w);
  const { clock, core } = w;
  const steps = expandRandomFaults(s, w.machine, w.names, seed);
  // The clock pump fires timers in order with eehd and the guests' flows running between
  // them, and records after every burst of work.
  const pump = new ClockPump(w.host, () => rec.sample());
  const background: Array<Promise<unknown>> = [];
  const keep = (p: Promise<unknown>): void => void background.push(pump.track(p));
  const check = (): void => {
    if (pump.error !== undefined) throw pump.error;
  };

  const progress = (i: number, frac: number): void => options.onProgress?.((i + frac) / Math.max(steps.length, 1), clock.now());
  for (const [i, { action, path }] of steps.entries()) {
    await pump.runUntil(action.at);
    check();
    const late = clock.now() > action.at ? ` (late: the clock was already at ${clock.now()} ms)` : "";
    const ctx: ActionContext = { w, rec, path, background: keep, progress: (f) => progress(i, f) };
    const text = await perform(ctx, action);
    rec.event(clock.now(), "action", `${text}${action.note ? ` — ${action.note}` : ""}${late}`, actionPe(action, w));
    await pump.runUntil(clock.now());
    check();
    progress(i, 1);
  }

  // Run on until nothing is pending (or until the scenario stops the clock).
  if (s.until !== undefined) await pump.runUntil(s.until);
  else {
    await pump.runUntilIdle();
    check();
    await Promise.all(background);
  }
  check();
  w.log.flushSuppressed();
  rec.sample();

  // End a little after the last thing happened, so the final states show on a chart.
  const last = Math.max(clock.now(), ...steps.map((x) => x.action.at));
  const endTime = s.until ?? last + Math.max(100, Math.round(last * 0.05));
  const states = rec.finish(endTime);
  const lines: TimelineLine[] = [...rec.hostLines()];
  for (const [name, g] of w.guests) for (const l of g.lines) lines.push({ t: l.t, source: `guest-${name}`, level: "info", line: l.line });
  lines.sort((a, b) => a.t - b.t);
  const partial = {
    states,
    lines,
    logs: rec.logs,
    endTime,
    guestOutcome: (name: string) => w.guest(name).outcome,
    recoveries: core.outcomes,
    names: w.names,
  };
  const expectations = checkExpectations(s, partial);
  for (const x of expectations) rec.event(endTime, "expectation", expectationText(x), { ok: x.ok });
  const timeline: Timeline = {
    version: TIMELINE_VERSION,
    scenario: { name: s.name, ...(s.description !== undefined ? { description: s.description } : {}), platform: s.platform, seed },
    phbs: [...w.machine.layout.phbs].map(([id, pl]) => ({ id, model: pl.spec.model, chip: modelOf(pl.spec).chip, numPes: modelOf(pl.spec).numPes })),
    guests: [...w.guests].map(([name, g]) => ({ name, hypervisor: g.spec.hypervisor, outcome: g.outcome })),
    pes: rec.lanes.map((l) => l.pe),
    states,
    events: [...rec.events].sort((a, b) => a.t - b.t || a.seq - b.seq),
    lines,
    logs: rec.logs,
    expectations,
    endTime,
    ok: expectations.every((e) => e.ok),
  };
  return { timeline, logBytes: rec.raw.map((r) => r.bytes) };
}

function actionPe(a: ScenarioAction, w: World): { pe?: string; guest?: string } {
  const out: { pe?: string; guest?: string } = {};
  if ("guest" in a) out.guest = a.guest;
  try {
    if ("device" in a) {
      const p = w.machine.peOf(w.names.device(a.device, ""));
      out.pe = `PHB#${p.phb.toString(16)}-PE#${p.pe.toString(16)}`;
    }
  } catch (e) {
    // A step naming a port that sits in no PE of its own is then about no lane.
    if (!(e instanceof EehError)) throw e;
  }
  return out;
}
