// Memory per PE (issue: "memory (heap bytes per PE) at 16 384 PEs"). Each machine is
// measured in a child process of its own started with --expose-gc, so that nothing the
// other benchmarks left behind (objects, JIT code, a half-collected heap) is counted:
// the child loads every module, builds and drops warm-up hosts, collects, reads
// process.memoryUsage(), builds the host (Machine + OPAL firmware + PnvEehOps + HostLog +
// EehCore — what a scenario runs; for the small sizes, enough copies of it to make about
// 4 096 PEs), collects again, and prints the deltas as JSON.
//
// Two figures per machine: the JS heap (heapUsed: objects, strings, immer trees) and the
// ArrayBuffer bytes outside it (arrayBuffers: the typed-array tables — IODA2 RTT, PEST,
// PELT-V, config spaces). Both are divided by the PEs the machine assigns.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { VirtualClock } from "../src/core/clock.js";
import { EehCore } from "../src/eeh/eeh-core.js";
import { HostLog } from "../src/eeh/host-log.js";
import { Machine } from "../src/ioda/machine.js";
import type { MachineSpec } from "../src/pci/topology.js";
import { OpalFirmware } from "../src/platform/powernv/opal.js";
import { PnvEehOps } from "../src/platform/powernv/pnv-eeh-ops.js";
import { assignedPes, benchSpec, size as sizeNamed } from "./machines.js";
import type { BenchGroup } from "./report.js";

const HERE = dirname(fileURLToPath(import.meta.url));

interface Measured {
  readonly name: string;
  /** PEs of all the copies measured together. */
  readonly pes: number;
  readonly copies: number;
  readonly heapBytes: number;
  readonly arrayBufferBytes: number;
}

function host(spec: MachineSpec): { m: Machine; core: EehCore } {
  const m = Machine.build(spec);
  const clock = new VirtualClock();
  const log = new HostLog(clock);
  const opal = new OpalFirmware(m, clock);
  const core = new EehCore(m, clock, new PnvEehOps(opal, clock, log), log);
  return { m, core };
}

function collect(): NodeJS.MemoryUsage {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("run with node --expose-gc");
  for (let i = 0; i < 4; i++) gc();
  return process.memoryUsage();
}

/** Hosts of one size measured together, so that a few hundred KB of heap noise (lazily compiled code, feedback vectors) averages out on the small machines. */
const PES_PER_MEASUREMENT = 4096;

/** In the child: measure one size. */
function measureHere(sizeName: string): Measured {
  const size = sizeNamed(sizeName);
  const spec = benchSpec(size.phbs, size.perPhb);
  // Warm-up: every code path the measured build takes (several PHBs, the same width), twice.
  for (let i = 0; i < 2; i++) host(benchSpec(Math.min(2, size.phbs), size.perPhb));
  const copies = Math.max(1, Math.floor(PES_PER_MEASUREMENT / (size.phbs * (size.perPhb + 1))));
  const before = collect();
  const hosts = Array.from({ length: copies }, () => host(spec));
  const after = collect();
  const pes = copies * assignedPes(hosts[0]!.m);
  if (hosts.some((h) => h.core.devices.size === 0)) throw new Error("empty host"); // keeps `hosts` alive up to here
  return { name: size.name, pes, copies, heapBytes: after.heapUsed - before.heapUsed, arrayBufferBytes: after.arrayBuffers - before.arrayBuffers };
}

/** In the parent: one child per size. */
function measureInChild(sizeName: string): Measured {
  const r = spawnSync(process.execPath, ["--expose-gc", "--import", "tsx", join(HERE, "memory.ts"), sizeName], {
    cwd: join(HERE, ".."),
    encoding: "utf8",
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`memory child (${sizeName}) failed: ${r.stderr || r.error?.message}`);
  return JSON.parse(r.stdout.trim().split("\n").at(-1)!) as Measured;
}

export function benchMemory(): BenchGroup {
  const [small, mid, large] = ["16 PEs", "256 PEs", "16384 PEs"].map(measureInChild) as [Measured, Measured, Measured];
  const perPe = (m: Measured) => (m.heapBytes + m.arrayBufferBytes) / m.pes;
  const split = (m: Measured) =>
    `${m.copies > 1 ? `${m.copies} hosts measured together, ` : ""}${m.pes.toLocaleString("en-US")} PEs assigned; ${(m.heapBytes / 2 ** 20).toFixed(2)} MiB JS heap (${Math.round(m.heapBytes / m.pes).toLocaleString("en-US")} B/PE) + ` +
    `${(m.arrayBufferBytes / 2 ** 20).toFixed(2)} MiB ArrayBuffers (${Math.round(m.arrayBufferBytes / m.pes).toLocaleString("en-US")} B/PE)`;
  return {
    title: "Memory per PE",
    note:
      "Bytes a host holds per assigned PE: Machine.build plus the OPAL firmware, PnvEehOps, HostLog and EehCore over it, measured in a fresh child process per size " +
      "(`node --expose-gc --import tsx bench/memory.ts <size>`) as the growth of process.memoryUsage() across the build, each side after forced garbage collections: " +
      "heapUsed (JS objects, immer trees, strings) plus arrayBuffers (typed-array tables outside the JS heap: IODA2 RTT, PEST, PELT-V, config spaces). " +
      `Small machines are built ${PES_PER_MEASUREMENT.toLocaleString("en-US")} PEs' worth at a time (256 hosts of 16 PEs, 16 of 256) and the total divided, so heap noise of a few hundred KB averages out. ` +
      "Each IODA2 PHB has fixed-size tables (a 64 K-entry RTT, 256 PE slots), so the 16-PE machine carries a whole PHB's tables for 16 PEs and its per-PE figure is large; " +
      "the fair baseline for the largest machine is the 256-PE machine (one fully used PHB). Ratio = bytes per PE at 16 384 PEs ÷ bytes per PE at 256 PEs; " +
      "the target ≤ 1.5 is this suite's own (not the issue's): memory must stay linear in the PEs, with no per-machine table that grows faster.",
    rows: [
      { figure: `memory per PE, ${small.name}`, value: perPe(small), unit: "B/PE", detail: `${split(small)}.` },
      { figure: `memory per PE, ${mid.name}`, value: perPe(mid), unit: "B/PE", detail: `${split(mid)}.` },
      {
        figure: `memory per PE, ${large.name}`,
        value: perPe(large),
        unit: "B/PE",
        baseline: `${Math.round(perPe(mid)).toLocaleString("en-US")} B/PE at ${mid.name}`,
        ratio: perPe(large) / perPe(mid),
        target: { max: 1.5 },
        detail: `${split(large)}; ${(perPe(large) / perPe(small)).toFixed(2)} × the ${small.name} figure; ${((large.heapBytes + large.arrayBufferBytes) / 2 ** 20).toFixed(1)} MiB in all.`,
      },
    ],
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(JSON.stringify(measureHere(process.argv[2] ?? "16 PEs")));
}
