// VFIO EEH benchmarks (issue 6):
//
//  1. A guest floods the host with 1,000,000 error injections: INJECT_ERR ioctls
//     (LD_CFG_ADDR on the guest's own PE), one per 100 µs of virtual time (100 s in all).
//     After every 1,000th the guest does the config read that trips the armed injection
//     (its PE freezes: a freeze notice on the host) and thaws its PE again (UNFREEZE_IO +
//     UNFREEZE_DMA), so the flood makes 1,000 freezes; the reads in between would only
//     return all ones from the frozen PE, so they are left out to keep the run short.
//     Reported: the host log lines the guest caused (injection notices, freeze notices,
//     "N messages suppressed" summaries) against the limiter's bound — maxAdmitted(global
//     bucket, elapsed) lines, each with at most one summary, plus the final flush — and
//     VFIO ops per second. The flood runs on a P7IOC PHB, whose injection arming is the
//     cheaper of the two (PHB3 scans its 64 K-entry RTT for the PE's RIDs on each arm).
//  2. Guest recovery cycles per second: a fault (a DMA outside the guest device's IOMMU
//     mappings), then guestRecover — GET_STATE, UNFREEZE_IO, log fetch with
//     interpretation, RESET_HOT, RESET_DEACTIVATE, CONFIGURE, GET_STATE — on machines of
//     16, 256 and 16 384 PEs (bench/machines.ts), and the per-cycle cost ratio to 16 PEs.
//     In benchSpec every device of a PHB sits on the root port's bus, so the PE's hot
//     reset (a secondary bus reset) resets all of the PHB's functions: the cycle's cost
//     grows with the width of the guest's PHB (15 vs 253 functions), which DESIGN allows
//     ("may grow with the PEs of one PHB, never with the machine"). The last row holds the
//     guest's PHB equal to the 16-PE machine's and fills the other 63 PHBs: that ratio
//     measures growth with the machine alone and carries the ≤ 1.5 target.
//     The host's eehd is not run during the timed loop: the errors are on a passed-through
//     PE, which the host ignores (its PowerNV next_error scan visits every PHB — a
//     platform cost, not VFIO's).
//
import { VirtualClock } from "../src/core/clock.js";
import { maxAdmitted } from "../src/core/ratelimit.js";
import { EehCore } from "../src/eeh/eeh-core.js";
import { DEFAULT_GUEST_LOG_LIMITS, HostLog } from "../src/eeh/host-log.js";
import { injectBadDma } from "../src/ioda/faults.js";
import { Machine } from "../src/ioda/machine.js";
import { MachineBuilder } from "../src/pci/builder.js";
import { formatPciAddress } from "../src/pci/address.js";
import type { MachineSpec } from "../src/pci/topology.js";
import { OpalFirmware } from "../src/platform/powernv/opal.js";
import { PnvEehOps } from "../src/platform/powernv/pnv-eeh-ops.js";
import { VFIO_EEH_PE_INJECT_ERR, VFIO_EEH_PE_UNFREEZE_DMA, VFIO_EEH_PE_UNFREEZE_IO, VfioHost, encodePeOp, guestRecover, type VfioContainer, type VfioDevice } from "../src/vfio/index.js";
import { benchSpec, SIZES } from "./machines.js";
import type { BenchResult } from "./report.js";

const FLOOD = 1_000_000;
const FLOOD_THAW_EVERY = 1_000;
const FLOOD_STEP_MS = 0.1;
const CYCLES_WARMUP = 100;
const CYCLES = 400;
/** Each machine is measured this many times, interleaved; the fastest round counts (JIT warm-up). */
const ROUNDS = 3;

interface Env {
  readonly m: Machine;
  readonly clock: VirtualClock;
  readonly log: HostLog;
  readonly opal: OpalFirmware;
  readonly core: EehCore;
  readonly vfio: VfioHost;
}

function build(spec: MachineSpec): Env {
  const m = Machine.build(spec);
  const clock = new VirtualClock();
  const log = new HostLog(clock, undefined, false, DEFAULT_GUEST_LOG_LIMITS);
  const opal = new OpalFirmware(m, clock);
  const ops = new PnvEehOps(opal, clock, log);
  const core = new EehCore(m, clock, ops, log);
  return { m, clock, log, opal, core, vfio: new VfioHost(core) };
}

/** Run an async flow to its end on the virtual clock. */
async function vt<T>(env: Env, p: Promise<T>): Promise<T> {
  await env.clock.runUntilIdle();
  return p;
}

async function guest(env: Env, address: string): Promise<{ c: VfioContainer; dev: VfioDevice }> {
  const c = env.vfio.openContainer("flood");
  const g = env.vfio.groupOf(address);
  if (!g || c.addGroup(g.id) !== 0) throw new Error(`no group for ${address}`);
  const dev = await vt(env, c.openDevice(address));
  if (typeof dev === "number") throw new Error(`open ${address}: ${dev}`);
  return { c, dev };
}

/** What the run leaves behind that the benchmark does not read (kept bounded). */
function trim(env: Env): void {
  env.m.events.length = 0;
  env.opal.diagLog.length = 0;
  env.core.events.length = 0;
}

// ------------------------------------------------------------------ 1. the flood

interface FloodResult {
  readonly ops: number;
  readonly ms: number;
  readonly lines: number;
  readonly summaries: number;
  readonly bound: number;
  readonly elapsedMs: number;
  readonly counted: number;
  readonly freezes: number;
}

async function flood(): Promise<FloodResult> {
  const spec = new MachineBuilder().phb({ model: "ioda1" }, (root) => void root.endpoint().endpoint()).build();
  const env = build(spec);
  const address = formatPciAddress(spec.phbs[0]!.functions.find((f) => f.kind === "endpoint")!.address);
  const { c, dev } = await guest(env, address);
  const inject = encodePeOp({ op: VFIO_EEH_PE_INJECT_ERR, err: { type: 0, func: 4, addr: 0n, mask: 0n } });
  const thawIo = encodePeOp({ op: VFIO_EEH_PE_UNFREEZE_IO });
  const thawDma = encodePeOp({ op: VFIO_EEH_PE_UNFREEZE_DMA });
  const t0 = env.clock.now();
  const start = performance.now();
  let ops = 0;
  for (let i = 0; i < FLOOD; i++) {
    if ((await c.eehPeOp(inject)) !== 0) throw new Error("INJECT_ERR failed");
    ops++;
    if ((i + 1) % FLOOD_THAW_EVERY === 0) {
      if (dev.readConfig(0, 4) !== 0xffffffff) throw new Error("the injection did not trip");
      if ((await vt(env, c.eehPeOp(thawIo))) !== 0 || (await vt(env, c.eehPeOp(thawDma))) !== 0) throw new Error("thaw failed");
      ops += 3;
      trim(env);
    }
    env.clock.advanceBy(FLOOD_STEP_MS);
  }
  const ms = performance.now() - start;
  env.log.flushSuppressed();
  const elapsedMs = env.clock.now() - t0;
  const mine = env.log.records.filter((r) => r.guest === "flood");
  const summaries = mine.filter((r) => r.line.includes("messages suppressed")).length;
  const lines = mine.length - summaries;
  const admitted = maxAdmitted(env.log.guestLimits.global, elapsedMs);
  const view = env.vfio.guestView("flood");
  return {
    ops,
    ms,
    lines,
    summaries,
    // Each admitted line may carry one summary; flushSuppressed adds one per bucket (+1 global).
    bound: 2 * admitted + 3,
    elapsedMs,
    counted: view.hostLog.logged + view.hostLog.suppressed,
    freezes: view.counts.freeze ?? 0,
  };
}

// ------------------------------------------------------------------ 2. recovery cycles

interface CycleResult {
  readonly name: string;
  readonly pes: number;
  readonly usPerCycle: number;
  readonly buildMs: number;
}

async function cycles(name: string, spec: MachineSpec): Promise<CycleResult> {
  const t0 = performance.now();
  const env = build(spec);
  const buildMs = performance.now() - t0;
  const address = formatPciAddress(env.m.spec.phbs[0]!.functions.find((f) => f.kind === "endpoint")!.address);
  const { c, dev } = await guest(env, address);
  const one = async (): Promise<void> => {
    injectBadDma(env.m, address);
    if (dev.readMmio(0, 0n, 4) !== 0xffffffffn) throw new Error("the fault did not freeze the PE");
    const r = await vt(env, guestRecover(c));
    if (r.outcome !== "recovered") throw new Error(`recovery ${r.outcome} at ${r.failedAt}`);
  };
  for (let i = 0; i < CYCLES_WARMUP; i++) await one();
  trim(env);
  const start = performance.now();
  for (let i = 0; i < CYCLES; i++) {
    await one();
    if (i % 100 === 99) trim(env);
  }
  const usPerCycle = ((performance.now() - start) * 1000) / CYCLES;
  const pes = env.m.spec.phbs.reduce((a, p) => a + env.m.phbLayout(p.id).plan.pes.length, 0);
  return { name, pes, usPerCycle, buildMs };
}

async function measure(): Promise<BenchResult[]> {
  const f = await flood();
  const size = (n: string) => SIZES.find((s) => s.name === n)!;
  const small = size("16 PEs");
  const mid = size("256 PEs");
  const large = size("16384 PEs");
  // The 16-PE machine's PHB first, then large.phbs − 1 PHBs as wide as benchSpec makes them.
  const sameGuestPhb: MachineSpec = {
    phbs: [...benchSpec(1, small.perPhb).phbs, ...benchSpec(large.phbs, large.perPhb).phbs.slice(1)],
  };
  const machines: Array<[string, MachineSpec]> = [
    [small.name, benchSpec(small.phbs, small.perPhb)],
    [mid.name, benchSpec(mid.phbs, mid.perPhb)],
    [large.name, benchSpec(large.phbs, large.perPhb)],
    [`${large.name}, guest PHB as at ${small.name}`, sameGuestPhb],
  ];
  const best: CycleResult[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, [name, spec]] of machines.entries()) {
      const r = await cycles(name, spec);
      if (!best[i] || r.usPerCycle < best[i]!.usPerCycle) best[i] = r;
    }
  }
  const cs = best;
  const base = cs[0]!.usPerCycle;
  const atMid = cs[1]!.usPerCycle;
  return [
    {
      figure: `guest flood of ${FLOOD.toLocaleString("en-US")} injections (P7IOC, ${f.freezes} freezes, ${(f.elapsedMs / 1000).toFixed(0)} s virtual): host log lines written (${f.summaries} of them summaries; ${f.counted.toLocaleString("en-US")} counted for the guest)`,
      value: f.lines + f.summaries,
      unit: "lines",
      baseline: `bound ${f.bound} (2 × maxAdmitted(global ${DEFAULT_GUEST_LOG_LIMITS.global.burst}/${DEFAULT_GUEST_LOG_LIMITS.global.intervalMs} ms) + 3)`,
      ratio: (f.lines + f.summaries) / f.bound,
      target: { max: 1 },
    },
    { figure: "guest flood: VFIO ops (INJECT_ERR, tripping config read, thaws)", value: (f.ops * 1000) / f.ms, unit: "ops/s" },
    ...cs.map((r, i) => ({
      figure: `guest recovery cycles, ${r.name} (${r.pes} assigned, built in ${r.buildMs.toFixed(0)} ms)`,
      value: 1e6 / r.usPerCycle,
      unit: "cycles/s",
      ...(i === 0 ? {} : { baseline: `${base.toFixed(0)} µs/cycle at ${small.name}${i === 2 ? `; ${(r.usPerCycle / atMid).toFixed(2)} × ${mid.name} (same PHB width)` : ""}` }),
      ratio: r.usPerCycle / base,
      ...(i === cs.length - 1 ? { target: { max: 1.5 } } : {}),
    })),
  ];
}

// ------------------------------------------------------------------ the synchronous entry point

/** Run the VFIO benchmarks (in a worker thread, waited for synchronously) and return their rows. */
/** Run the VFIO benchmarks (async: the VFIO ops await the virtual clock). */
export function benchVfio(): Promise<BenchResult[]> {
  return measure();
}
