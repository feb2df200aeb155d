// Shared setup for the VFIO tests: a PowerNV machine (OPAL + PnvEehOps + EEH core + host
// log) with a VfioHost over it, and a helper that runs an async op to completion on the
// virtual clock.
import { VirtualClock } from "../../src/core/clock.js";
import { Machine } from "../../src/ioda/machine.js";
import { OpalFirmware } from "../../src/platform/powernv/opal.js";
import { PnvEehOps } from "../../src/platform/powernv/pnv-eeh-ops.js";
import { EehCore, type EehCoreOptions } from "../../src/eeh/eeh-core.js";
import { HostLog, type GuestLogLimits, DEFAULT_GUEST_LOG_LIMITS } from "../../src/eeh/host-log.js";
import { VfioHost, type VfioHostOptions } from "../../src/vfio/index.js";
import { PseriesPlatform } from "../../src/platform/pseries/pseries-platform.js";
import { PseriesEehOps } from "../../src/platform/pseries/pseries-eeh-ops.js";
import type { EehOps } from "../../src/platform/eeh-ops.js";
import type { PhbModelKind, PhbSpec } from "../../src/pci/topology.js";
import { switchPhb } from "../ioda/fixtures.js";

export interface EnvOptions {
  /** The host platform (default PowerNV over OPAL). */
  readonly platform?: "powernv" | "pseries";
  readonly core?: EehCoreOptions;
  readonly host?: VfioHostOptions;
  readonly phbs?: readonly PhbSpec[];
  readonly limits?: GuestLogLimits;
  /** Wrap the platform ops (a pSeries-like stand-in in the log-forwarding tests). */
  readonly wrapOps?: (ops: PnvEehOps) => EehOps;
}

export function vfioEnv(model: PhbModelKind = "ioda2", opts: EnvOptions = {}) {
  const m = Machine.build({ phbs: [...(opts.phbs ?? [switchPhb(0, model, 3)])] });
  const clock = new VirtualClock();
  const log = new HostLog(clock, undefined, false, opts.limits ?? DEFAULT_GUEST_LOG_LIMITS);
  const opal = new OpalFirmware(m, clock);
  const pnv = new PnvEehOps(opal, clock, log);
  let ops: EehOps = opts.wrapOps ? opts.wrapOps(pnv) : pnv;
  if (opts.platform === "pseries") ops = new PseriesEehOps(new PseriesPlatform(m, clock), clock, log);
  const core = new EehCore(m, clock, ops, log, opts.platform === "pseries" ? { enableIoForLog: true, ...opts.core } : (opts.core ?? {}));
  const vfio = new VfioHost(core, opts.host ?? {});
  return { m, clock, log, opal, ops, pnv, core, vfio };
}

export type Env = ReturnType<typeof vfioEnv>;

/** Run an async flow to its end, driving the virtual clock alongside. */
export async function vt<T>(env: { clock: VirtualClock }, p: Promise<T>): Promise<T> {
  await env.clock.runUntilIdle();
  return p;
}

/** A guest with one container holding the group of `address`, and the device opened. */
export async function guestWith(env: Env, guest: string, address: string) {
  const c = env.vfio.openContainer(guest);
  const g = env.vfio.groupOf(address)!;
  if (c.addGroup(g.id) !== 0) throw new Error(`cannot add group ${g.id}`);
  const dev = await vt(env, c.openDevice(address));
  if (typeof dev === "number") throw new Error(`open ${address}: ${dev}`);
  return { c, g, dev };
}

/** PnvEehOps with some operations replaced (a stand-in for another platform's answers). */
export function overrideOps(pnv: PnvEehOps, over: Partial<EehOps>): EehOps {
  const base: EehOps = {
    name: pnv.name,
    getState: (pe) => pnv.getState(pe),
    setOption: (pe, o) => pnv.setOption(pe, o),
    reset: (pe, o) => pnv.reset(pe, o),
    getLog: (pe) => pnv.getLog(pe),
    configureBridge: () => pnv.configureBridge(),
    errInject: (pe, t, f, a, m) => pnv.errInject(pe, t, f, a, m),
    nextError: (passed) => pnv.nextError(passed),
    errorInterruptPending: () => pnv.errorInterruptPending(),
    restoreConfig: () => pnv.restoreConfig(),
  };
  return { ...base, ...over };
}
