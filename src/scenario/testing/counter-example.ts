// What a failed check reports: the shrunk case (platform, machine, timed faults), what
// happened in it (each fault's effect, each driver answer or guest op, each recovery
// outcome, each device's end state), why the property failed, and how to replay it.

import fc from "fast-check";
import { describeMachine } from "./machines.js";
import type { Fault } from "./faults.js";
import type { Platform } from "../host.js";
import type { MachineSpec } from "../../pci/topology.js";

/** A fault as it happened in a run. */
export interface AppliedFault {
  readonly fault: Fault;
  /** Virtual time it was applied, in ms. */
  readonly time: number;
  /** What the hardware did ("froze PHB#0-PE#fd (dma-tce-page-fault)"), or why it could not happen ("not applied: …"). */
  readonly effect: string;
}

/** How a device ended a run. */
export interface DeviceVerdict {
  readonly address: string;
  /** `PHB#0-PE#fd` */
  readonly pe: string;
  /** "in service": PE thawed, not isolated, reads answer; "failed": removed as permanently failed; "stuck": neither. */
  readonly status: "in service" | "failed" | "stuck";
  readonly detail: string;
}

/** Replay a failure: pass these back to the same check (same options otherwise). */
export interface Replay {
  readonly seed: number;
  readonly path: string;
}

/** fast-check's account of the failure. */
export interface FailureDetails {
  readonly seed: number;
  readonly path: string;
  readonly numRuns: number;
  readonly numShrinks: number;
  /** Faults of fast-check's shrunk case that the kit then found the failure does not need. */
  readonly droppedFaults: number;
}

/** The common part of a check's report. */
export interface CounterExample {
  readonly platform: Platform;
  readonly machine: MachineSpec;
  /** The shrunk faults, in time order. */
  readonly faults: readonly Fault[];
  /** The same, as they happened. */
  readonly applied: readonly AppliedFault[];
  readonly devices: readonly DeviceVerdict[];
  /** The property's own words. */
  readonly reason: string;
  /** The run's timeline, one line per step (faults, answers, outcomes). */
  readonly timeline: readonly string[];
}

/**
 * A property that failed, with its shrunk counter-example. The message says it all; the
 * fields let a test assert on it (`err.faults[0].kind`, `err.answers`).
 */
export class CounterExampleError extends Error {
  readonly seed: number;
  readonly path: string;
  readonly numRuns: number;
  readonly numShrinks: number;
  readonly counterExample: CounterExample;

  constructor(check: string, details: FailureDetails, cx: CounterExample) {
    super(formatCounterExample(check, details, cx));
    this.name = "CounterExampleError";
    this.seed = details.seed;
    this.path = details.path;
    this.numRuns = details.numRuns;
    this.numShrinks = details.numShrinks;
    this.counterExample = cx;
  }

  get faults(): readonly Fault[] {
    return this.counterExample.faults;
  }

  get platform(): Platform {
    return this.counterExample.platform;
  }

  get replay(): Replay {
    return { seed: this.seed, path: this.path };
  }
}

/** A plain value the way it is written in TypeScript: `{ kind: "bad-dma", device: "0000:03:00.0", at: 1500 }`. */
export function formatValue(v: unknown): string {
  if (v !== null && typeof v === "object" && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype) {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    return entries.length === 0 ? "{}" : `{ ${entries.map(([k, x]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${formatValue(x)}`).join(", ")} }`;
  }
  if (Array.isArray(v)) return `[${v.map(formatValue).join(", ")}]`;
  return fc.stringify(v);
}

function indent(lines: string, by = "  "): string {
  return lines
    .split("\n")
    .map((l) => by + l)
    .join("\n");
}

function formatCounterExample(check: string, d: FailureDetails, cx: CounterExample): string {
  const faults = cx.faults.length === 0 ? ["  (none)"] : cx.faults.map((f) => `  ${formatValue(f)}`);
  return [
    `${check}: property failed after ${d.numRuns} run${d.numRuns === 1 ? "" : "s"} (shrunk ${d.numShrinks} time${d.numShrinks === 1 ? "" : "s"})`,
    indent(cx.reason),
    "",
    `platform: ${cx.platform}`,
    "machine:",
    indent(describeMachine(cx.machine), "  "),
    "faults:",
    ...faults,
    "timeline (virtual ms):",
    ...cx.timeline.map((l) => `  ${l}`),
    "devices at the end:",
    ...cx.devices.map((v) => `  ${v.address} (${v.pe}) ${v.status}: ${v.detail}`),
    `replay: { seed: ${d.seed}, path: ${JSON.stringify(d.path)} }${d.droppedFaults > 0 ? ` (fast-check's case, with ${d.droppedFaults} more fault${d.droppedFaults === 1 ? "" : "s"} the failure does not need)` : ""}`,
  ].join("\n");
}
