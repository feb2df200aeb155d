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
import { assignedPes, benchSpec, narrowFirstPhb, size } from "./machines.js";
import type { BenchGroup } from "./report.js";

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
  return { name, pes: assignedPes(env.m), usPerCycle, buildMs };
}

async function measure(): Promise<BenchGroup[]> {
  const f = await flood();
  const small = size("16 PEs");
  const mid = size("256 PEs");
  const large = size("16384 PEs");
  const machines: Array<[string, MachineSpec]> = [
    [small.name, benchSpec(small.phbs, small.perPhb)],
    [mid.name, benchSpec(mid.phbs, mid.perPhb)],
    [large.name, benchSpec(large.phbs, large.perPhb)],
    [`${large.name}, guest's PHB as at ${small.name}`, narrowFirstPhb(small, large)],
  ];
  const best: CycleResult[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, [name, spec]] of machines.entries()) {
      const r = await cycles(name, spec);
      if (!best[i] || r.usPerCycle < best[i]!.usPerCycle) best[i] = r;
    }
  }
  const cs = best;
  const base = cs[0]!;
  const atMid = cs[1]!;
  const limits = DEFAULT_GUEST_LOG_LIMITS.global;
  return [
    {
      title: "VFIO: a guest's injection flood and VFIO op throughput",
      note:
        `A guest that owns one P7IOC PE issues ${FLOOD.toLocaleString("en-US")} VFIO_EEH_PE_INJECT_ERR ioctls (config-address load errors on its own PE), ` +
        `one per ${FLOOD_STEP_MS * 1000} µs of virtual time; after every ${FLOOD_THAW_EVERY.toLocaleString("en-US")}th it does the config read that trips the armed injection ` +
        `(the PE freezes) and thaws its PE (UNFREEZE_IO + UNFREEZE_DMA). ` +
        `Host log lines: every line the guest caused (injection notices, freeze notices, "N messages suppressed" summaries). ` +
        `Baseline: the limiter's bound — at most maxAdmitted(global bucket ${limits.burst} lines / ${limits.intervalMs} ms, elapsed virtual time) admitted lines, ` +
        `each preceded by at most one summary, plus the summaries flushed at the end (2 × admitted + 3); target ratio ≤ 1 (the bound holds). ` +
        `VFIO ops/s: wall-clock throughput of the same run's ioctls (INJECT_ERR, the tripping config read, the thaws); no baseline or target.`,
      rows: [
        {
          figure: `host log lines, ${FLOOD.toLocaleString("en-US")}-injection guest flood`,
          value: f.lines + f.summaries,
          unit: "lines",
          baseline: `limiter bound ${f.bound.toLocaleString("en-US")} lines`,
          ratio: (f.lines + f.summaries) / f.bound,
          target: { max: 1 },
          detail: `${f.freezes} freezes over ${(f.elapsedMs / 1000).toFixed(0)} s of virtual time; ${f.summaries} of the lines are "messages suppressed" summaries; ${f.counted.toLocaleString("en-US")} guest-caused lines counted (logged + suppressed).`,
        },
        {
          figure: "VFIO op throughput (guest flood)",
          value: (f.ops * 1000) / f.ms,
          unit: "ops/s",
          detail: `${f.ops.toLocaleString("en-US")} ops in ${(f.ms / 1000).toFixed(1)} s of wall time.`,
        },
      ],
    },
    {
      title: "VFIO: guest recovery cost against machine size",
      note:
        `One cycle: a DMA outside the guest device's IOMMU mappings freezes its PE, the guest sees all ones on an MMIO read, then guestRecover — ` +
        `GET_STATE, UNFREEZE_IO, log fetch with interpretation, RESET_HOT, RESET_DEACTIVATE, CONFIGURE, GET_STATE — all on the virtual clock ` +
        `(${CYCLES} timed cycles after ${CYCLES_WARMUP} warm-up, best of ${ROUNDS} interleaved rounds; the host's eehd is not run: the PE is passed through). ` +
        `Baseline: the cycle on the 16-PE machine; ratio = cost ÷ baseline cost. ` +
        `In these machines every endpoint of a PHB sits on the root port's bus, so the hot reset (a secondary bus reset) resets all of the PHB's functions: ` +
        `the cost grows with the width of the guest's PHB (15 vs 253 functions), which DESIGN.md allows ("may grow with the PEs of one PHB, never with the machine"). ` +
        `So the row that carries the ≤ 1.5 target is the 16 384-PE machine whose first PHB (the guest's) is the 16-PE machine's PHB: its ratio measures growth with the machine alone. ` +
        `The plain 16 384-PE row is informational; its growth over the 256-PE machine (same PHB width) is given in its detail.`,
      rows: cs.map((r, i) => ({
        figure: `guest recovery, ${r.name}`,
        value: r.usPerCycle,
        unit: "µs/recovery",
        ...(i === 0 ? {} : { baseline: `${base.usPerCycle.toFixed(0)} µs at ${base.name}`, ratio: r.usPerCycle / base.usPerCycle }),
        ...(i === cs.length - 1 ? { target: { max: 1.5 } } : {}),
        detail:
          `${r.pes.toLocaleString("en-US")} PEs assigned; built in ${r.buildMs.toFixed(0)} ms` +
          (i === 2 ? `; ${(r.usPerCycle / atMid.usPerCycle).toFixed(2)} × the ${atMid.name} machine (same PHB width).` : "."),
      })),
    },
  ];
}

/** Run the VFIO benchmarks (async: the VFIO ops await the virtual clock). */
export function benchVfio(): Promise<BenchGroup[]> {
  return measure();
}
