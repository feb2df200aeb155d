// Shared between the harnesses: the first memory BAR of a device (what a driver polls),
// a device's end state, the timeline of a run, and input checks.

import fc from "fast-check";
import { allOnes } from "../../core/bits.js";
import { ArgumentError } from "../../core/errors.js";
import type { EehCore, EehEvent } from "../../eeh/eeh-core.js";
import { EEH_PE_ISOLATED, EEH_PE_RECOVERING, EEH_PE_REMOVED, peStateNames } from "../../ioda/pe/pe-flags.js";
import type { Machine } from "../../ioda/machine.js";
import type { MachineSpec } from "../../pci/topology.js";
import type { DeviceVerdict } from "./counter-example.js";
import { describeFault, type Fault } from "./faults.js";
import { arbMachine, endpointsOf } from "./machines.js";
import { checkPlatform, PLATFORMS, type Platform } from "../host.js";

/** The BAR a driver polls: the device's first assigned memory BAR. */
export function pollBar(m: Machine, address: string): number | undefined {
  const { phbId, rid } = m.locate(address);
  return m.phbLayout(phbId).barsByRid.get(rid)?.find((b) => b.type !== "io")?.bar;
}

/**
 * How the device ended: "failed" when its PE was removed as permanently failed (and the
 * device with it); "in service" when it is present, its PE neither isolated, recovering
 * nor frozen in the PHB, and a load from its BAR answers; "stuck" otherwise, saying why.
 * The load is a plain hardware load (no EEH check), so judging changes nothing.
 */
export function deviceVerdict(core: EehCore, address: string, opts: { present?: boolean } = {}): DeviceVerdict {
  const m = core.machine;
  const dev = core.device(address);
  const ref = { phbId: dev.phbId, pe: dev.pe };
  const pe = core.pe(ref);
  const name = core.peName(ref);
  const stuck = (detail: string): DeviceVerdict => ({ address, pe: name, status: "stuck", detail });
  const present = opts.present ?? dev.present;
  if (pe.state & EEH_PE_REMOVED) {
    return present ? stuck("its PE was removed, but the device is still there") : { address, pe: name, status: "failed", detail: "permanently failed and removed" };
  }
  if (!present) return stuck("removed, but its PE was not failed (never re-added?)");
  const flags = pe.state & (EEH_PE_ISOLATED | EEH_PE_RECOVERING);
  const hw = hardwareCheck(m, address);
  const problems = [...(flags ? [`PE still ${peStateNames(flags).join("|")}`] : []), ...hw.problems];
  if (problems.length > 0) return stuck(problems.join("; "));
  return { address, pe: name, status: "in service", detail: hw.read };
}

/**
 * What the hardware says of a device: its PE's freeze bits in the PHB, and a plain load
 * from its first memory BAR (no EEH check, so judging changes nothing).
 */
export function hardwareCheck(m: Machine, address: string): { problems: string[]; read: string } {
  const problems: string[] = [];
  const { phb, pe } = m.peOf(address);
  const f = m.peFreezeState(phb, pe);
  if (f.mmio || f.dma) problems.push(`PE frozen in the PHB (${[f.mmio ? "MMIO" : "", f.dma ? "DMA" : ""].filter(Boolean).join("+")})`);
  const bar = pollBar(m, address);
  let read = "PE thawed";
  if (bar !== undefined) {
    const out = m.mmioLoadDetailed(m.barCpuAddress(address, bar), 4);
    read = `BAR${bar}+0 reads 0x${out.value.toString(16)}`;
    if (out.blocked || out.value === allOnes(4)) problems.push(`${read}${out.blocked ? ` (${out.blocked})` : ""}`);
  }
  return { problems, read };
}

/** Whether the EEH core gave up on a PE holding `address` because it froze too often. */
export function freezeLimitReached(core: EehCore, address: string): boolean {
  return core.events.some(
    (e) => e.step === "freeze-count" && e.pe !== undefined && Number(e.result) > core.maxFreezes && core.devicesOf(e.pe).some((d) => d.address === address),
  );
}

/** A line of the run's timeline, placed after the first `coreIndex` events of the EEH core. */
export interface TimelineEntry {
  readonly time: number;
  readonly coreIndex: number;
  readonly text: string;
}

const CORE_STEPS: Partial<Record<EehEvent["step"], true>> = { queued: true, detected: true, recovering: true, reset: true, "hotplug-remove": true, "hotplug-add": true, recovered: true, failed: true, dropped: true };

/** Merge the harness's own entries with the EEH core's steps, in the order they happened. */
export function timeline(core: EehCore, own: readonly TimelineEntry[], t0 = 0): string[] {
  const out: string[] = [];
  const line = (t: number, text: string): void => void out.push(`${String(t - t0).padStart(7)}  ${text}`);
  let i = 0;
  core.events.forEach((e, k) => {
    for (; i < own.length && own[i]!.coreIndex <= k; i++) line(own[i]!.time, own[i]!.text);
    if (!CORE_STEPS[e.step] || (e.step === "queued" && e.pe !== undefined)) return;
    const pe = e.pe ? core.peName(e.pe) : "";
    const what =
      e.step === "queued"
        ? "platform error event (OPAL interrupt) queued"
        : e.step === "reset"
        ? `${pe} ${e.detail ?? "reset"}: ${e.result === "0" ? "ok" : `rc ${e.result}`}`
        : e.step === "detected"
          ? `${pe} frozen, detected by ${e.detail ?? e.device ?? "?"}`
          : `${pe} ${e.step}${e.device ? ` ${e.device}` : ""}${e.detail && e.step === "failed" ? ` (${e.detail})` : ""}`;
    line(e.time, `eeh: ${what}`);
  });
  for (; i < own.length; i++) line(own[i]!.time, own[i]!.text);
  return compact(out);
}

/** Longest timeline a report prints. */
const MAX_TIMELINE_LINES = 200;

/** Repeated lines once with a count (a loop in recovery repeats itself thousands of times), and a cap. */
function compact(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines.length; ) {
    let j = i + 1;
    while (j < lines.length && lines[j] === lines[i]) j++;
    out.push(j - i > 1 ? `${lines[i]}  (×${j - i})` : lines[i]!);
    i = j;
  }
  if (out.length <= MAX_TIMELINE_LINES) return out;
  return [...out.slice(0, MAX_TIMELINE_LINES - 1), `…  (${out.length - MAX_TIMELINE_LINES + 1} more lines)`];
}

export function faultLine(f: Fault, effect: string): string {
  return `fault: ${describeFault(f)} → ${effect}`;
}

/** A property's verdict on a run: undefined when it holds, else its words. */
export async function judge<R>(property: (run: R) => boolean | void | Promise<boolean | void>, run: R): Promise<string | undefined> {
  try {
    const ok = await property(run);
    return ok === false ? "the property returned false" : undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

// ------------------------------------------------------------------ input checks

export function checkCount(name: string, v: number | undefined, min: number): void {
  if (v !== undefined && (!Number.isInteger(v) || v < min)) throw new ArgumentError(`${name} ${v} is not an integer ≥ ${min}`, { [name]: v });
}

export function platformArb(p: Platform | readonly Platform[] | undefined): fc.Arbitrary<Platform> {
  const list = p === undefined ? PLATFORMS : typeof p === "string" ? [p] : p;
  if (list.length === 0) throw new ArgumentError("`platform` is an empty list", { platform: p });
  return fc.constantFrom(...list.map(checkPlatform));
}

export function machineArb(machine: MachineSpec | fc.Arbitrary<MachineSpec> | undefined): fc.Arbitrary<MachineSpec> {
  if (machine === undefined) return arbMachine();
  if (machine instanceof fc.Arbitrary) return machine;
  if (typeof machine !== "object" || machine === null || !Array.isArray((machine as MachineSpec).phbs)) {
    throw new ArgumentError("`machine` is neither a MachineSpec nor a fast-check arbitrary of one", { machine: String(machine) });
  }
  if (endpointsOf(machine).length === 0) throw new ArgumentError("`machine` has no endpoint to test", {});
  return fc.constant(machine);
}
