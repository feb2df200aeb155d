// The standard wiring of a host (test/eeh/setup.ts, the README): a machine, the virtual
// clock, the host log, the platform firmware and its EEH ops, and the Linux-like EEH core
// — on PowerNV (OPAL) or pSeries (RTAS) — plus the driver of the virtual clock that
// scenario runs and the testing kit's harnesses share: fire timers one by one and let the
// `eehd` loop and any other async flow run between them, so faults, polls and recovery
// interleave the way they would in time.

import { drainMicrotasks, VirtualClock } from "../core/clock.js";
import { ArgumentError, ClockError } from "../core/errors.js";
import { EehCore, type EehCoreOptions } from "../eeh/eeh-core.js";
import type { PciDriver } from "../eeh/driver.js";
import { HostLog } from "../eeh/host-log.js";
import { Machine } from "../ioda/machine.js";
import type { MachineSpec } from "../pci/topology.js";
import type { EehOps } from "../platform/eeh-ops.js";
import { OpalFirmware } from "../platform/powernv/opal.js";
import { PnvEehOps } from "../platform/powernv/pnv-eeh-ops.js";
import { PseriesEehOps } from "../platform/pseries/pseries-eeh-ops.js";
import { PseriesPlatform } from "../platform/pseries/pseries-platform.js";

export type Platform = "powernv" | "pseries";
export const PLATFORMS: readonly Platform[] = ["powernv", "pseries"];

export interface Host {
  readonly platform: Platform;
  readonly machine: Machine;
  readonly clock: VirtualClock;
  readonly log: HostLog;
  readonly ops: EehOps;
  readonly core: EehCore;
}

export interface HostOptions {
  /** Drivers by device address (`dddd:bb:dd.f`). */
  readonly drivers?: Readonly<Record<string, PciDriver>>;
  /** eeh_max_freezes (default 5). */
  readonly maxFreezes?: number;
}

export function checkPlatform(p: unknown): Platform {
  if (p !== "powernv" && p !== "pseries") throw new ArgumentError(`unknown platform ${JSON.stringify(p)} (powernv or pseries)`, { platform: p });
  return p;
}

/**
 * Build a host on a machine (or its description): PowerNV (OPAL + PnvEehOps) or pSeries
 * (RTAS + PseriesEehOps, EEH_ENABLE_IO_FOR_LOG).
 */
export function createHost(machineOrSpec: Machine | MachineSpec, platform: Platform, options: HostOptions = {}): Host {
  checkPlatform(platform);
  const machine = machineOrSpec instanceof Machine ? machineOrSpec : Machine.build(machineOrSpec);
  const clock = new VirtualClock();
  const log = new HostLog(clock);
  const ops: EehOps = platform === "powernv" ? new PnvEehOps(new OpalFirmware(machine, clock), clock, log) : new PseriesEehOps(new PseriesPlatform(machine, clock), clock, log);
  const coreOptions: EehCoreOptions = {
    ...(options.drivers ? { drivers: options.drivers } : {}),
    ...(options.maxFreezes !== undefined ? { maxFreezes: options.maxFreezes } : {}),
    ...(platform === "pseries" ? { enableIoForLog: true } : {}),
  };
  const core = new EehCore(machine, clock, ops, log, coreOptions);
  return { platform, machine, clock, log, ops, core };
}

const MAX_TIMERS = 200_000;

/**
 * Drives a host's virtual clock with the `eehd` loop running alongside. Anything thrown
 * by a timer or by recovery (a driver callback that throws) is kept in `error` and ends
 * the run.
 */
export class ClockPump {
  error: unknown = undefined;
  private eehd: Promise<void> | undefined;

  // The EEH core's own watchdog (EehCore maxStepsPerInstant) ends recovery that loops at
  // one virtual instant with a ClockError, which `error` then holds.
  constructor(
    private readonly host: Host,
    /** Called after each burst of work at one virtual time (a scenario records PE states here). */
    private readonly afterTurn: () => void = () => undefined,
  ) {}

  /** Start `eehd` if events wait and it is not running. */
  kick(): void {
    if (this.eehd || this.host.core.pendingEvents() === 0 || this.error !== undefined) return;
    const run = this.host.core.drain().catch((e: unknown) => {
      this.error ??= e;
    });
    this.eehd = run;
    void run.then(() => {
      if (this.eehd === run) this.eehd = undefined;
    });
  }

  /** Track an async flow (a guest's recovery): its failure ends the run. */
  track<T>(p: Promise<T>): Promise<T | undefined> {
    return p.catch((e: unknown) => {
      this.error ??= e;
      return undefined;
    });
  }

  /** Fire every timer due up to `t` (then move the clock to `t`), running async work between them. */
  async runUntil(t: number): Promise<void> {
    const clock = this.host.clock;
    for (let fired = 0; ; fired++) {
      await this.turn();
      if (this.error !== undefined) return;
      const due = clock.nextDue();
      if (due === undefined || due > t) break;
      if (fired > MAX_TIMERS) {
        this.error = new ClockError(`more than ${MAX_TIMERS} timers fired before ${t} ms: a flow does not settle`, { now: clock.now() });
        return;
      }
      this.fire();
    }
    if (t > clock.now()) {
      clock.advanceTo(t);
      await this.turn();
    }
  }

  /**
   * Run until nothing is pending: no timer, no queued event, no running `eehd`. A run that
   * is still busy at `deadline` (virtual ms) ends with a ClockError in `error`: something
   * loops (a recovery routine polling a state that never comes).
   */
  async runUntilIdle(deadline = Infinity): Promise<void> {
    const clock = this.host.clock;
    for (let fired = 0; ; fired++) {
      await this.turn();
      if (this.error !== undefined) return;
      const due = clock.nextDue();
      if (due === undefined) {
        if (!this.eehd && this.host.core.pendingEvents() === 0) return;
        await this.eehd;
        continue;
      }
      if (due > deadline || fired > MAX_TIMERS) {
        this.error = new ClockError(`still busy at ${clock.now()} ms of virtual time (${fired} timers fired): a flow does not settle`, { now: clock.now() });
        return;
      }
      this.fire();
    }
  }

  /** Let continuations run, start eehd on anything queued, let it run, and report. */
  private async turn(): Promise<void> {
    await drainMicrotasks();
    this.kick();
    await drainMicrotasks();
    try {
      this.afterTurn();
    } catch (e) {
      this.error ??= e;
    }
  }

  private fire(): void {
    try {
      this.host.clock.runNext();
    } catch (e) {
      this.error ??= e;
    }
  }
}
