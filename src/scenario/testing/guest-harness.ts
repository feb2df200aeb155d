// Property-test a guest's EEH recovery routine (the flow a guest runs over VFIO_EEH_PE_OP,
// linux-eeh.md §5.3) against the host under random faults.
//
// One run: build the machine on the chosen host platform, give a guest one IOMMU group
// (the PE of a chosen endpoint) and open its devices, schedule the faults on the virtual
// clock, and let time pass. The guest polls its devices once per `pollMs`; an all-ones
// read starts the user's recovery routine (one at a time). The host's EEH core recovers
// the PEs it owns (devices without a driver: hotplug). After the last fault the guest keeps
// polling until nothing is left to do. Then the property judges the run.

import fc from "fast-check";
import { allOnes } from "../../core/bits.js";
import type { VirtualClock } from "../../core/clock.js";
import { ArgumentError, EehError } from "../../core/errors.js";
import { buildLayout } from "../../ioda/layout.js";
import { formatPciAddress, ridOf } from "../../pci/address.js";
import type { MachineSpec } from "../../pci/topology.js";
import type { VfioContainer } from "../../vfio/container.js";
import { guestRecover, type GuestRecoverReport } from "../../vfio/guest-recover.js";
import type { VfioDevice } from "../../vfio/vfio-device.js";
import { VfioHost } from "../../vfio/vfio-host.js";
import { VFIO_EEH_PE_OP_NAMES } from "../../vfio/vfio-uapi.js";
import { CounterExampleError, type FailureDetails, formatValue, type AppliedFault, type CounterExample, type DeviceVerdict } from "./counter-example.js";
import { checkCount, faultLine, hardwareCheck, judge, machineArb, platformArb, pollBar, timeline, type TimelineEntry } from "./device-check.js";
import { fewerFaults, type CheckSummary, type RunProperty } from "./driver-harness.js";
import { aimFaults, applyFault, arbFaultSeeds, permanentFaultOf, type ArbFaultPlanOptions, type Fault } from "./faults.js";
import { applyGuestOp, type GuestOp, type GuestOpName } from "./guest-ops.js";
import { ClockPump, createHost, type Host, type Platform } from "../host.js";
import { endpointsOf } from "./machines.js";

/** What a recovery routine gets besides the container. */
export interface GuestContext {
  /** The guest's open devices (all functions of its group). */
  readonly devices: readonly VfioDevice[];
  readonly clock: VirtualClock;
  /** Let virtual time pass. */
  sleep(ms: number): Promise<void>;
  /** VFIO_EEH_PE_OP by name: `await ctx.op("RESET_HOT")`. */
  op(name: Exclude<GuestOpName, "INJECT_ERR">): Promise<number>;
}

/**
 * What a recovery routine reports: "failed", false or a report with outcome "failed" mean
 * the guest gave up on the device (it stops using it); anything else means it believes
 * the device works again.
 */
export type GuestRecoveryResult = "recovered" | "not-frozen" | "failed" | boolean | void | GuestRecoverReport;

export type GuestRecovery = (container: VfioContainer, ctx: GuestContext) => Promise<GuestRecoveryResult>;

/** One generated case. `device`: the endpoint whose IOMMU group the guest holds. */
export interface GuestCase {
  readonly platform: Platform;
  readonly machine: MachineSpec;
  readonly device: string;
  readonly faults: readonly Fault[];
}

/** One VFIO_EEH_PE_OP the guest issued, and its result. */
export interface GuestOpRecord {
  readonly time: number;
  readonly op: string;
  readonly rc: number;
}

export interface GuestRun {
  readonly case: GuestCase;
  readonly host: Host;
  readonly vfio: VfioHost;
  /** The guest's devices (all functions of its group). */
  readonly assigned: readonly string[];
  readonly applied: readonly AppliedFault[];
  readonly ops: readonly GuestOpRecord[];
  /** What each call of the recovery routine returned, in order. */
  readonly recoveries: ReadonlyArray<{ readonly time: number; readonly result: string }>;
  /** Why the guest gave up on its devices, if it did. */
  readonly gaveUp: string | undefined;
  /** How each assigned device ended. "in service": PE thawed and reads answer; "failed": the guest gave up; "stuck": neither. */
  readonly devices: readonly DeviceVerdict[];
  readonly error: string | undefined;
  readonly timeline: readonly string[];
  readonly options: GuestRunOptions;
}

export interface GuestRunOptions {
  readonly recover: GuestRecovery;
  /** How often the guest reads its devices, in virtual ms (default 1000). */
  readonly pollMs?: number;
  /**
   * The guest's own eeh_max_freezes: after this many recoveries the guest gives up on the
   * device, as a Linux guest does (default 5).
   */
  readonly maxRecoveries?: number;
}

export interface CheckGuestRecoveryOptions extends GuestRunOptions {
  readonly machine?: MachineSpec | fc.Arbitrary<MachineSpec>;
  readonly platform?: Platform | readonly Platform[];
  /** Fault plan options; device faults aim at the guest's devices unless `devices` is given. */
  readonly faults?: ArbFaultPlanOptions;
  /** Default `guestRecoversTransientFaults`. */
  readonly property?: RunProperty<GuestRun>;
  readonly numRuns?: number;
  readonly seed?: number;
  readonly path?: string;
}

const GUEST = "guest";
const QUIET_MS = 5000;
const FINAL_ROUNDS = 12;
/** A run still busy this long after the last fault is stuck in a loop. */
const SETTLE_LIMIT_MS = 3_600_000;

function gaveUp(r: GuestRecoveryResult): boolean {
  return r === "failed" || r === false || (typeof r === "object" && r !== null && r.outcome === "failed");
}

function resultText(r: GuestRecoveryResult): string {
  if (typeof r === "object" && r !== null) return `${r.outcome}${r.failedAt ? ` at ${r.failedAt}` : ""}`;
  return r === undefined ? "(nothing)" : String(r);
}

/** The devices of the IOMMU group (PE) of `device`. */
function groupDevices(spec: MachineSpec, device: string): string[] {
  const layout = buildLayout(spec);
  for (const [, pl] of layout.phbs) {
    const f = pl.spec.functions.find((x) => formatPciAddress(x.address) === device);
    if (!f) continue;
    const pe = pl.plan.peOfRid.get(ridOf(f.address));
    return pl.spec.functions.filter((x) => (x.kind === "endpoint" || x.kind === "vf") && pl.plan.peOfRid.get(ridOf(x.address)) === pe).map((x) => formatPciAddress(x.address));
  }
  throw new ArgumentError(`${device} is not a function of the machine`, { device });
}

/** A container whose VFIO_EEH_PE_OP calls are recorded (the routine sees an ordinary container). */
function recordingContainer(c: VfioContainer, host: Host, ops: GuestOpRecord[], own: TimelineEntry[]): VfioContainer {
  return new Proxy(c, {
    get(target, prop, receiver) {
      if (prop !== "eehPeOp") return Reflect.get(target, prop, receiver) as unknown;
      return async (arg: Parameters<VfioContainer["eehPeOp"]>[0]) => {
        const rc = await target.eehPeOp.call(receiver as VfioContainer, arg);
        const n = arg instanceof Uint8Array ? undefined : arg.op;
        const op = n === undefined ? "EEH_PE_OP" : (VFIO_EEH_PE_OP_NAMES[n] ?? `op ${n}`);
        const time = host.clock.now();
        ops.push({ time, op, rc });
        own.push({ time, coreIndex: host.core.events.length, text: `guest ${op} → ${rc}` });
        return rc;
      };
    },
  });
}

/** How the guest's device ended (judged on the hardware, changing nothing). */
function guestVerdict(host: Host, dev: VfioDevice, gaveUp: string | undefined): DeviceVerdict {
  const name = host.core.peName(dev.pe);
  const hw = hardwareCheck(host.machine, dev.address);
  if (gaveUp !== undefined) return { address: dev.address, pe: name, status: "failed", detail: `the guest gave up: ${gaveUp}${hw.problems.length > 0 ? ` (${hw.problems.join("; ")})` : ""}` };
  if (hw.problems.length > 0) return { address: dev.address, pe: name, status: "stuck", detail: hw.problems.join("; ") };
  return { address: dev.address, pe: name, status: "in service", detail: hw.read };
}

/** Run one guest case. */
export async function runGuestCase(c: GuestCase, options: GuestRunOptions): Promise<GuestRun> {
  const host = createHost(c.machine, c.platform);
  const { machine: m, clock, core } = host;
  const pollMs = options.pollMs ?? 1000;
  const vfio = new VfioHost(core);
  const pump = new ClockPump(host);
  const ops: GuestOpRecord[] = [];
  const own: TimelineEntry[] = [];
  const applied: AppliedFault[] = [];
  const recoveries: Array<{ time: number; result: string }> = [];
  const group = vfio.groupOf(c.device);
  if (!group) throw new ArgumentError(`${c.device} is in no IOMMU group (not an assignable endpoint)`, { device: c.device });
  const raw = vfio.openContainer(GUEST);
  if (raw.addGroup(group.id) !== 0) throw new ArgumentError(`the guest cannot take IOMMU group ${group.id}`, { group: group.id });
  const container = recordingContainer(raw, host, ops, own);
  const devices: VfioDevice[] = [];
  for (const a of group.devices) {
    const p = pump.track(raw.openDevice(a));
    await pump.runUntilIdle(clock.now() + SETTLE_LIMIT_MS);
    const d = await p;
    if (d === undefined || typeof d === "number") throw new ArgumentError(`the guest cannot open ${a}: ${d ?? pump.error}`, { device: a });
    devices.push(d);
  }
  const ctx: GuestContext = {
    devices,
    clock,
    sleep: (ms) => clock.sleep(ms, "guest sleep"),
    op: (name) => applyGuestOp(container, { op: name } as GuestOp),
  };

  const t0 = clock.now();
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
        applied.push({ fault: f, time: clock.now() - t0, effect });
        own.push({ time: clock.now(), coreIndex, text: faultLine(f, effect) });
      },
      "fault",
    );
  }

  const maxRecoveries = options.maxRecoveries ?? 5;
  let given: string | undefined;
  let running: Promise<unknown> | undefined;
  /** The guest's driver reads its devices; all ones starts recovery. */
  const look = (): void => {
    if (given !== undefined || running) return;
    const frozen = devices.find((d) => d.readMmio(pollBar(m, d.address) ?? 0, 0n, 4) === allOnes(4));
    if (!frozen) return;
    if (recoveries.length >= maxRecoveries) {
      given = `it still read all ones after ${recoveries.length} recoveries (the guest's freeze limit)`;
      own.push({ time: clock.now(), coreIndex: core.events.length, text: `guest ${frozen.address} reads all ones again: the guest gives up after ${recoveries.length} recoveries` });
      return;
    }
    own.push({ time: clock.now(), coreIndex: core.events.length, text: `guest ${frozen.address} reads all ones: recovery starts` });
    running = pump
      .track(options.recover(container, ctx))
      .then((r) => {
        if (pump.error !== undefined) return;
        const result = r as GuestRecoveryResult;
        recoveries.push({ time: clock.now(), result: resultText(result) });
        own.push({ time: clock.now(), coreIndex: core.events.length, text: `guest recovery → ${resultText(result)}` });
        if (gaveUp(result)) given = "the recovery routine reported failure";
      })
      .finally(() => {
        running = undefined;
      });
  };
  const horizon = t0 + Math.max(0, ...c.faults.map((f) => f.at)) + QUIET_MS;
  const poll = (): void => {
    look();
    if (clock.now() + pollMs <= horizon) clock.setTimer(pollMs, poll, "guest poll");
  };
  clock.setTimer(pollMs, poll, "guest poll");
  await pump.runUntil(horizon);
  await pump.runUntilIdle(horizon + SETTLE_LIMIT_MS);
  for (let round = 0; round < FINAL_ROUNDS && pump.error === undefined; round++) {
    try {
      look();
    } catch (e) {
      pump.error ??= e;
      break;
    }
    if (!running && core.pendingEvents() === 0) break;
    await pump.runUntilIdle(horizon + SETTLE_LIMIT_MS);
    await running;
  }
  const error = pump.error === undefined ? undefined : pump.error instanceof Error ? pump.error.message : String(pump.error);
  return {
    case: c,
    host,
    vfio,
    assigned: devices.map((d) => d.address),
    applied,
    ops,
    recoveries,
    gaveUp: given,
    devices: devices.map((d) => guestVerdict(host, d, given)),
    error,
    timeline: timeline(core, own, t0),
    options,
  };
}

// ------------------------------------------------------------------ properties

/** The documented guest flow (vfio/guest-recover.ts) as a routine: the model the default property compares with. */
export const referenceGuestRecovery: GuestRecovery = (container) => guestRecover(container, { maxWaitMs: 60_000 });

const references = new WeakMap<GuestRun, Promise<GuestRun>>();

/** The same case with the documented guest flow (computed once per run). */
export function referenceGuestRun(run: GuestRun): Promise<GuestRun> {
  let r = references.get(run);
  if (!r) {
    r = runGuestCase(run.case, { ...run.options, recover: referenceGuestRecovery });
    references.set(run, r);
  }
  return r;
}

/**
 * The default: the routine throws nothing, and the guest's devices end in service — unless
 * that was beyond any guest: a dead PHB or a permanent link loss above them, or the
 * documented flow (guestRecover) cannot bring them back in the same case either. Giving up
 * on a device, or leaving it frozen, where the documented flow recovers it fails.
 */
export async function guestRecoversTransientFaults(run: GuestRun): Promise<void> {
  if (run.error !== undefined) {
    if ((await referenceGuestRun(run)).error === undefined) throw new Error(`the run threw: ${run.error}`);
    return;
  }
  const suspects = run.devices.filter((v) => v.status !== "in service" && !permanentFaultOf(run.case.machine, run.case.faults, v.address));
  if (suspects.length === 0) return;
  const ref = await referenceGuestRun(run);
  const blamed = suspects.filter((v) => ref.devices.find((x) => x.address === v.address)?.status === "in service");
  if (blamed.length === 0) return;
  throw new Error(
    blamed
      .map((v) => `${v.address} (${v.pe}) ${v.status === "failed" ? `was given up by the guest` : `ended half-way (${v.detail})`}, but no fault that reached it was permanent, and the documented guest flow (guestRecover) brings it back`)
      .join("\n"),
  );
}

// ------------------------------------------------------------------ the check

export function guestCaseArb(options: Pick<CheckGuestRecoveryOptions, "machine" | "platform" | "faults">): fc.Arbitrary<GuestCase> {
  const machines = machineArb(options.machine);
  const platforms = platformArb(options.platform);
  const faults = options.faults ?? {};
  return fc.tuple(machines, platforms, fc.nat({ max: 0xff }), arbFaultSeeds(faults)).map(([machine, platform, pick, seeds]) => {
    const eps = endpointsOf(machine);
    const device = eps[pick % eps.length]!;
    return { platform, machine, device, faults: aimFaults(machine, seeds, { devices: faults.devices ?? groupDevices(machine, device) }) };
  });
}

/**
 * Check a guest recovery routine under random machines, host platforms and faults.
 * Resolves when the property held every time; rejects with a GuestCounterExampleError
 * holding the shrunk case otherwise.
 */
export async function checkGuestRecovery(options: CheckGuestRecoveryOptions): Promise<CheckSummary> {
  if (!options || typeof options.recover !== "function") throw new ArgumentError("checkGuestRecovery needs `recover`: (container, ctx) => Promise<…>", {});
  checkCount("numRuns", options.numRuns, 1);
  checkCount("pollMs", options.pollMs, 1);
  if (options.machine !== undefined && !(options.machine instanceof fc.Arbitrary)) buildLayout(options.machine);
  const property = options.property ?? guestRecoversTransientFaults;
  checkCount("maxRecoveries", options.maxRecoveries, 1);
  const run: GuestRunOptions = {
    recover: options.recover,
    ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
    ...(options.maxRecoveries !== undefined ? { maxRecoveries: options.maxRecoveries } : {}),
  };
  const details = await fc.check(
    fc.asyncProperty(guestCaseArb(options), async (c) => {
      const reason = await judge(property, await runGuestCase(c, run));
      if (reason !== undefined) throw new Error(reason);
    }),
    { numRuns: options.numRuns ?? fc.readConfigureGlobal().numRuns ?? 30, ...(options.seed !== undefined ? { seed: options.seed } : {}), ...(options.path !== undefined ? { path: options.path } : {}) },
  );
  if (!details.failed) return { numRuns: details.numRuns, seed: details.seed };
  if (!details.counterexample) throw details.errorInstance ?? new Error("fast-check failed without a counter-example");
  const c = await fewerFaults(details.counterexample[0], async (x) => (await judge(property, await runGuestCase(x, run))) !== undefined);
  const r = await runGuestCase(c, run);
  const reason = (await judge(property, r)) ?? String(details.errorInstance);
  throw new GuestCounterExampleError({ seed: details.seed, path: details.counterexamplePath ?? "", numRuns: details.numRuns, numShrinks: details.numShrinks, droppedFaults: details.counterexample[0].faults.length - c.faults.length }, r, reason);
}

/** A CounterExampleError of checkGuestRecovery: also every op the guest issued and what its routine returned. */
export class GuestCounterExampleError extends CounterExampleError {
  readonly device: string;
  readonly ops: readonly GuestOpRecord[];
  readonly recoveries: ReadonlyArray<{ readonly time: number; readonly result: string }>;

  constructor(details: FailureDetails, run: GuestRun, reason: string) {
    const cx: CounterExample = {
      platform: run.case.platform,
      machine: run.case.machine,
      faults: run.case.faults,
      applied: run.applied,
      devices: run.devices,
      reason: `${reason}\n(the guest holds the group of ${run.case.device}: ${formatValue(run.assigned)})`,
      timeline: run.timeline,
    };
    super("checkGuestRecovery", details, cx);
    this.device = run.case.device;
    this.ops = run.ops;
    this.recoveries = run.recoveries;
  }
}

