// Property-test a PCI driver's error-recovery callbacks (error_detected, mmio_enabled,
// slot_reset, resume) against the Linux-like EEH core under random faults.
//
// One run: build the machine on the chosen platform, bind the user's driver to each
// endpoint it wants, schedule the faults on the virtual clock at their `at`, and let time
// pass. Each driver polls its device once per `pollMs` through eeh_readl (an all-ones read
// makes the core check the PE, the way Linux notices on pSeries); on PowerNV the OPAL
// event also reports freezes by itself. The `eehd` loop recovers what was detected while
// time runs. After the last fault the drivers keep reading until nothing is left to
// recover. Then the property judges the run. Everything runs on the virtual clock: a run
// with an hour of faults takes milliseconds and replays exactly from its seed.

import fc from "fast-check";
import type { AccessSize } from "../../core/bits.js";
import { ArgumentError, EehError } from "../../core/errors.js";
import { CHANNEL_NAMES, resultName, scriptedDriver, type ChannelState, type DeviceHandle, type PciDriver, type PciErsResult } from "../../eeh/driver.js";
import type { EehCore } from "../../eeh/eeh-core.js";
import { buildLayout } from "../../ioda/layout.js";
import { pathUp } from "../../ioda/machine.js";
import { EEH_PE_ISOLATED, EEH_PE_RECOVERING, EEH_PE_RESET } from "../../ioda/pe/pe-flags.js";
import type { MachineSpec } from "../../pci/topology.js";
import { CounterExampleError, type FailureDetails, type AppliedFault, type CounterExample, type DeviceVerdict } from "./counter-example.js";
import { checkCount, judge, deviceVerdict, faultLine, freezeLimitReached, machineArb, platformArb, pollBar, timeline, type TimelineEntry } from "./device-check.js";
import { aimFaults, applyFault, arbFaultSeeds, permanentFaultOf, type ArbFaultPlanOptions, type Fault } from "./faults.js";
import { ClockPump, createHost, type Host, type Platform } from "../host.js";
import { endpointsOf, functionOf } from "./machines.js";

/** What a driver factory is told about a device it may drive. */
export interface DeviceUnderTest {
  /** `dddd:bb:dd.f` */
  readonly address: string;
  readonly kind: "endpoint" | "vf";
  readonly vendorId: number;
  readonly deviceId: number;
  readonly classCode: number;
  readonly label: string | undefined;
  /** The BAR the harness polls (the first memory BAR). */
  readonly bar: number;
  /**
   * A load from the device through eeh_readl: all ones makes the EEH core check the PE
   * (as a driver's own register reads do). Default: 4 bytes at offset 0 of `bar`.
   */
  readMmio(offset?: bigint, size?: AccessSize, bar?: number): bigint;
  /** A config read through the platform's accessor (all ones while the PE is frozen or the device unreachable). */
  readConfig(offset: number, size: 1 | 2 | 4): number;
  /** Whether every PCIe link between the root port and the device is up (the ports' Link Status, DLLLA). */
  linkUp(): boolean;
}

/** Returns the driver for a device, or undefined to leave it without one. Called once per device per run. */
export type DriverFactory = (dev: DeviceUnderTest) => PciDriver | undefined;

export type DriverCallback = "error_detected" | "mmio_enabled" | "slot_reset" | "resume";

/** One callback the core made into a driver, and what the driver answered. */
export interface DriverCall {
  readonly time: number;
  readonly device: string;
  readonly callback: DriverCallback;
  /** error_detected: the channel state it was given ("IO frozen", "permanent failure"). */
  readonly state?: string;
  /** The answer ("need reset", "recovered", …); absent for resume. */
  readonly answer?: string;
  /** The message of what the callback threw. */
  readonly threw?: string;
}

/** One generated case: shrinks to fewer, earlier, simpler faults on a smaller machine. */
export interface DriverCase {
  readonly platform: Platform;
  readonly machine: MachineSpec;
  readonly faults: readonly Fault[];
}

/** Everything about one run, for the property to judge. */
export interface DriverRun {
  readonly case: DriverCase;
  readonly host: Host;
  /** Devices that got a driver. */
  readonly driven: readonly string[];
  readonly applied: readonly AppliedFault[];
  readonly calls: readonly DriverCall[];
  /** How each driven device ended. */
  readonly devices: readonly DeviceVerdict[];
  /** What the run threw (a driver callback that threw), as a message. */
  readonly error: string | undefined;
  readonly timeline: readonly string[];
  /** How it was run (to run it again, e.g. with another driver). */
  readonly options: RunOptions;
}

export type RunProperty<R> = (run: R) => boolean | void | Promise<boolean | void>;

export interface CheckDriverRecoveryOptions {
  /** The driver for every endpoint, or a factory choosing per device. */
  readonly driver: DriverFactory | PciDriver;
  /** A fixed machine, or an arbitrary of machines (default `arbMachine()`). */
  readonly machine?: MachineSpec | fc.Arbitrary<MachineSpec>;
  /** Platform(s) to run on (default both, drawn per run). */
  readonly platform?: Platform | readonly Platform[];
  /** Fault plan options, or a function giving the plan arbitrary for a machine. */
  readonly faults?: ArbFaultPlanOptions | ((spec: MachineSpec) => fc.Arbitrary<readonly Fault[]>);
  /** Throw or return false to fail. Default `transientFaultsRecover`. */
  readonly property?: RunProperty<DriverRun>;
  /** eeh_max_freezes (default 5). */
  readonly maxFreezes?: number;
  /** How often each driver reads its device, in virtual ms (default 1000). */
  readonly pollMs?: number;
  /** fast-check parameters (default 50 runs, random seed). */
  readonly numRuns?: number;
  readonly seed?: number;
  /** Replay one case: the `path` of a CounterExampleError with its `seed`. */
  readonly path?: string;
}

export interface CheckSummary {
  readonly numRuns: number;
  readonly seed: number;
}

// ------------------------------------------------------------------ properties

/** No run error, and every driven device ends in service or permanently failed (nothing half-way). */
export function everyDeviceSettles(run: { readonly error: string | undefined; readonly devices: readonly DeviceVerdict[] }): void {
  if (run.error !== undefined) throw new Error(`the run threw: ${run.error}`);
  const stuck = run.devices.filter((d) => d.status === "stuck");
  if (stuck.length > 0) throw new Error(stuck.map((d) => `${d.address} (${d.pe}) ended neither in service nor failed: ${d.detail}`).join("\n"));
}

/** The model driver: error_detected → need reset, slot_reset → recovered, resume. */
export function referenceDriver(): PciDriver {
  return scriptedDriver("reference", { errorDetected: "need reset", slotReset: "recovered" });
}

const references = new WeakMap<DriverRun, Promise<DriverRun>>();

/** The same case with the model driver on the same devices (computed once per run). */
export function referenceRun(run: DriverRun): Promise<DriverRun> {
  let r = references.get(run);
  if (!r) {
    const driven = new Set(run.driven);
    r = runDriverCase(run.case, { ...run.options, driver: (dev) => (driven.has(dev.address) ? referenceDriver() : undefined) });
    references.set(run, r);
  }
  return r;
}

/**
 * The default: what a kernel engineer expects of a driver. The run throws nothing, and
 * every driven device ends in service — unless the fault was beyond any driver: its PHB
 * died, its link went down for good, its PE froze more than eeh_max_freezes times in the
 * hour, or the platform cannot bring it back even with the model driver (referenceDriver)
 * in the same case. A device that ends permanently failed, or half-way (isolated,
 * frozen), where the model driver ends in service, fails the property; so does a run that
 * throws (a callback that throws) where the model driver's run does not.
 */
export async function transientFaultsRecover(run: DriverRun): Promise<void> {
  if (run.error !== undefined) {
    // A run the emulator cannot finish with the model driver either is not the driver's doing.
    if ((await referenceRun(run)).error === undefined) throw new Error(`the run threw: ${run.error}`);
    return;
  }
  const suspects = run.devices.filter(
    (d) => d.status === "stuck" || (d.status === "failed" && !permanentFaultOf(run.case.machine, run.case.faults, d.address) && !freezeLimitReached(run.host.core, d.address)),
  );
  if (suspects.length === 0) return;
  const ref = await referenceRun(run);
  const blamed = suspects.filter((d) => {
    const r = ref.devices.find((x) => x.address === d.address);
    return r !== undefined && (r.status === "in service" || (d.status === "stuck" && r.status !== "stuck"));
  });
  if (blamed.length === 0) return;
  throw new Error(
    blamed
      .map((d) => {
        const model = `with the model driver (error_detected → need reset, slot_reset → recovered) it ends ${ref.devices.find((x) => x.address === d.address)!.status}`;
        return d.status === "failed"
          ? `${d.address} (${d.pe}) was failed permanently, but no fault that reached it was permanent, and ${model}`
          : `${d.address} (${d.pe}) ended half-way (${d.detail}), but ${model}`;
      })
      .join("\n"),
  );
}

// ------------------------------------------------------------------ one run

function recorded(drv: PciDriver, host: Host, calls: DriverCall[], own: TimelineEntry[]): PciDriver {
  const call = <R>(dev: DeviceHandle, callback: DriverCallback, state: string | undefined, f: () => R, answer: (r: R) => string | undefined): R => {
    const base = { time: host.clock.now(), device: dev.address, callback, ...(state !== undefined ? { state } : {}) };
    const note = (c: DriverCall): void => {
      calls.push(c);
      const what = `${c.callback}${c.state !== undefined ? `(${c.state})` : ""}`;
      own.push({ time: c.time, coreIndex: host.core.events.length, text: `driver ${c.device} ${what}${c.threw !== undefined ? ` threw ${c.threw}` : c.answer !== undefined ? ` → ${c.answer}` : ""}` });
    };
    let r: R;
    try {
      r = f();
    } catch (e) {
      note({ ...base, threw: e instanceof Error ? e.message : String(e) });
      throw e;
    }
    const a = answer(r);
    note({ ...base, ...(a !== undefined ? { answer: a } : {}) });
    return r;
  };
  const name = (r: PciErsResult): string => resultName(r);
  const w: { -readonly [K in keyof PciDriver]: PciDriver[K] } = { name: drv.name };
  const { errorDetected, mmioEnabled, slotReset, resume } = drv;
  if (errorDetected) w.errorDetected = (dev: DeviceHandle, state: ChannelState) => call(dev, "error_detected", CHANNEL_NAMES[state], () => errorDetected.call(drv, dev, state), name);
  if (mmioEnabled) w.mmioEnabled = (dev: DeviceHandle) => call(dev, "mmio_enabled", undefined, () => mmioEnabled.call(drv, dev), name);
  if (slotReset) w.slotReset = (dev: DeviceHandle) => call(dev, "slot_reset", undefined, () => slotReset.call(drv, dev), name);
  if (resume) w.resume = (dev: DeviceHandle) => call(dev, "resume", undefined, () => resume.call(drv, dev), () => undefined);
  return w;
}

function deviceUnderTest(host: Host, address: string, bar: number): DeviceUnderTest {
  const f = functionOf(host.machine.spec, address)!.fn;
  return {
    address,
    kind: f.kind === "vf" ? "vf" : "endpoint",
    vendorId: f.vendorId,
    deviceId: f.deviceId,
    classCode: f.classCode,
    label: f.label,
    bar,
    readMmio: (offset = 0n, size = 4, b = bar) => host.core.readMmio(address, b, offset, size),
    readConfig: (offset, size) => host.core.readConfig(address, offset, size).value,
    linkUp: () => {
      const { phbId, address: a } = host.machine.locate(address);
      return pathUp(host.machine.phbLayout(phbId), host.machine.phbState(phbId), a.bus);
    },
  };
}

export interface RunOptions {
  readonly driver: DriverFactory | PciDriver;
  readonly maxFreezes?: number;
  readonly pollMs?: number;
}

/**
 * Whether a driver is doing I/O on its device: it is there, and not between
 * error_detected and resume (a driver stops touching the device once told of an error;
 * a read then would only hit a device whose BARs the reset just cleared).
 */
function doingIo(core: EehCore, address: string): boolean {
  const d = core.device(address);
  return d.present && !d.inError && !(core.pe({ phbId: d.phbId, pe: d.pe }).state & (EEH_PE_ISOLATED | EEH_PE_RECOVERING | EEH_PE_RESET));
}

/** Quiet time after the last fault before the drivers stop polling on their timer. */
const QUIET_MS = 5000;
/** Rounds of "drivers read their devices, eehd recovers" after the faults. */
const FINAL_ROUNDS = 12;
/** A run still busy this long after the last fault is stuck in a loop. */
const SETTLE_LIMIT_MS = 3_600_000;

/** Run one case (the harness does this for every generated case; exported for replays and tests). */
export async function runDriverCase(c: DriverCase, options: RunOptions): Promise<DriverRun> {
  const host = createHost(c.machine, c.platform, options.maxFreezes !== undefined ? { maxFreezes: options.maxFreezes } : {});
  const { machine: m, clock, core } = host;
  const pollMs = options.pollMs ?? 1000;
  const calls: DriverCall[] = [];
  const own: TimelineEntry[] = [];
  const applied: AppliedFault[] = [];
  const driven: Array<{ address: string; bar: number }> = [];
  const factory: DriverFactory = typeof options.driver === "function" ? options.driver : () => options.driver as PciDriver;
  for (const address of endpointsOf(c.machine)) {
    const bar = pollBar(m, address);
    if (bar === undefined) continue;
    const drv = factory(deviceUnderTest(host, address, bar));
    if (!drv) continue;
    core.bindDriver(address, recorded(drv, host, calls, own));
    driven.push({ address, bar });
  }
  const pump = new ClockPump(host);
  for (const f of c.faults) {
    clock.setTimer(
      f.at,
      () => {
        const coreIndex = core.events.length; // what the core does about it comes after
        let effect: string;
        try {
          effect = applyFault(m, f).effect;
        } catch (e) {
          if (!(e instanceof EehError)) throw e;
          effect = `not applied: ${e.message}`;
        }
        applied.push({ fault: f, time: clock.now(), effect });
        own.push({ time: clock.now(), coreIndex, text: faultLine(f, effect) });
      },
      "fault",
    );
  }
  const readAll = (): void => {
    for (const d of driven) if (doingIo(core, d.address)) core.readMmio(d.address, d.bar, 0n, 4);
  };
  const horizon = Math.max(0, ...c.faults.map((f) => f.at)) + QUIET_MS;
  const poll = (): void => {
    readAll();
    if (clock.now() + pollMs <= horizon) clock.setTimer(pollMs, poll, "driver poll");
  };
  clock.setTimer(pollMs, poll, "driver poll");
  await pump.runUntil(horizon);
  await pump.runUntilIdle(horizon + SETTLE_LIMIT_MS);
  for (let round = 0; round < FINAL_ROUNDS && pump.error === undefined; round++) {
    try {
      readAll();
    } catch (e) {
      pump.error ??= e;
      break;
    }
    if (core.pendingEvents() === 0) break;
    await pump.runUntilIdle(horizon + SETTLE_LIMIT_MS);
  }
  const error = pump.error === undefined ? undefined : pump.error instanceof Error ? pump.error.message : String(pump.error);
  return {
    case: c,
    host,
    driven: driven.map((d) => d.address),
    applied,
    calls,
    devices: driven.map((d) => deviceVerdict(core, d.address)),
    error,
    timeline: timeline(core, own),
    options,
  };
}

// ------------------------------------------------------------------ the check

/** Drop the faults of a failing case that the failure does not need, last first. */
export async function fewerFaults<C extends { readonly faults: readonly Fault[] }>(c: C, fails: (c: C) => Promise<boolean>): Promise<C> {
  let cur = c;
  for (let i = cur.faults.length - 1; i >= 0 && cur.faults.length > 1; i--) {
    const next = { ...cur, faults: cur.faults.filter((_, k) => k !== i) };
    if (await fails(next)) cur = next;
  }
  return cur;
}

export function driverCaseArb(options: Pick<CheckDriverRecoveryOptions, "machine" | "platform" | "faults">): fc.Arbitrary<DriverCase> {
  const machines = machineArb(options.machine);
  const platforms = platformArb(options.platform);
  const faults = options.faults;
  if (typeof faults === "function") return machines.chain((machine) => fc.record({ platform: platforms, machine: fc.constant(machine), faults: faults(machine) }, { noNullPrototype: true }));
  // Machine and plan drawn apart, the plan aimed afterwards: both shrink.
  return fc.tuple(machines, platforms, arbFaultSeeds(faults ?? {})).map(([machine, platform, seeds]) => ({ platform, machine, faults: aimFaults(machine, seeds, faults ?? {}) }));
}

/**
 * Check a driver's recovery under random machines, platforms and faults. Resolves with
 * what was run when the property held every time; rejects with a CounterExampleError
 * holding the shrunk case otherwise.
 */
export async function checkDriverRecovery(options: CheckDriverRecoveryOptions): Promise<CheckSummary> {
  if (!options || (typeof options.driver !== "function" && (typeof options.driver !== "object" || options.driver === null))) {
    throw new ArgumentError("checkDriverRecovery needs a `driver`: a PciDriver, or a function from a device to one", {});
  }
  checkCount("numRuns", options.numRuns, 1);
  checkCount("pollMs", options.pollMs, 1);
  checkCount("maxFreezes", options.maxFreezes, 0);
  if (options.machine !== undefined && !(options.machine instanceof fc.Arbitrary)) buildLayout(options.machine);
  const property = options.property ?? transientFaultsRecover;
  const run: RunOptions = { driver: options.driver, ...(options.maxFreezes !== undefined ? { maxFreezes: options.maxFreezes } : {}), ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}) };
  const details = await fc.check(
    fc.asyncProperty(driverCaseArb(options), async (c) => {
      const reason = await judge(property, await runDriverCase(c, run));
      if (reason !== undefined) throw new Error(reason);
    }),
    { numRuns: options.numRuns ?? fc.readConfigureGlobal().numRuns ?? 50, ...(options.seed !== undefined ? { seed: options.seed } : {}), ...(options.path !== undefined ? { path: options.path } : {}) },
  );
  if (!details.failed) return { numRuns: details.numRuns, seed: details.seed };
  if (!details.counterexample) throw details.errorInstance ?? new Error("fast-check failed without a counter-example");
  // fast-check keeps faults it cannot shrink away; drop those the failure does not need,
  // then replay the case (runs are deterministic) to report what happened in it.
  const c = await fewerFaults(details.counterexample[0], async (x) => (await judge(property, await runDriverCase(x, run))) !== undefined);
  const r = await runDriverCase(c, run);
  const reason = (await judge(property, r)) ?? (details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance));
  throw new DriverCounterExampleError({ seed: details.seed, path: details.counterexamplePath ?? "", numRuns: details.numRuns, numShrinks: details.numShrinks, droppedFaults: details.counterexample[0].faults.length - c.faults.length }, r, reason);
}

/** A CounterExampleError of checkDriverRecovery: also what each driver callback answered. */
export class DriverCounterExampleError extends CounterExampleError {
  /** Every callback made into a driver in the shrunk run, in order. */
  readonly calls: readonly DriverCall[];
  /** The same as "device callback → answer" strings, e.g. "0000:03:00.0 error_detected(IO frozen) → disconnect". */
  readonly answers: readonly string[];

  constructor(details: FailureDetails, run: DriverRun, reason: string) {
    const cx: CounterExample = {
      platform: run.case.platform,
      machine: run.case.machine,
      faults: run.case.faults,
      applied: run.applied,
      devices: run.devices,
      reason,
      timeline: run.timeline,
    };
    super("checkDriverRecovery", details, cx);
    this.calls = run.calls;
    this.answers = run.calls.map((c) => `${c.device} ${c.callback}${c.state !== undefined ? `(${c.state})` : ""}${c.threw !== undefined ? ` threw ${c.threw}` : c.answer !== undefined ? ` → ${c.answer}` : ""}`);
  }
}
