// Per-operation cost against machine size: freeze + lookup + unfreeze (issue 3 target: the
// per-op cost on the largest machine is at most 1.5 × the smallest's — cost must not grow
// with the machine, DESIGN.md "State").
import { Machine } from "../src/ioda/machine.js";
import { freezePe, unfreezePe } from "../src/ioda/faults.js";
import { formatPciAddress } from "../src/pci/address.js";
import { assignedPes, benchSpec, SIZES } from "./machines.js";
import type { BenchGroup } from "./report.js";

const WARMUP = 2000;
const CYCLES = 10000;
/** Rounds over all sizes, interleaved; the fastest round of each size counts (JIT, noise). */
const ROUNDS = 3;

function cycle(m: Machine, devs: string[], n: number): void {
  for (let i = 0; i < n; i++) {
    const dev = devs[(i * 7919) % devs.length]!;
    const { phb, pe } = m.peOf(dev); // lookup through the RTT
    freezePe(m, phb, pe, { mmio: true, dma: true });
    if (!m.peFreezeState(phb, pe).mmio) throw new Error("freeze did not stick");
    unfreezePe(m, phb, pe, { mmio: true, dma: true });
  }
}

export function benchFreezeCycle(): BenchGroup {
  const machines = SIZES.map((size) => {
    const t0 = performance.now();
    const m = Machine.build(benchSpec(size.phbs, size.perPhb));
    const buildMs = performance.now() - t0;
    const devs = m.spec.phbs.flatMap((p) => p.functions.filter((f) => f.kind === "endpoint").map((f) => formatPciAddress(f.address)));
    cycle(m, devs, WARMUP);
    return { name: size.name, m, devs, buildMs, pes: assignedPes(m), usPerOp: Infinity };
  });
  for (let round = 0; round < ROUNDS; round++) {
    for (const x of machines) {
      const t = performance.now();
      cycle(x.m, x.devs, CYCLES);
      x.usPerOp = Math.min(x.usPerOp, ((performance.now() - t) * 1000) / CYCLES);
      x.m.events.length = 0;
    }
  }
  const base = machines[0]!;
  return {
    title: "Per-operation cost: freeze + lookup + unfreeze",
    note:
      `One operation: look a device's PE up through the RTT (\`Machine.peOf\`), freeze the PE (MMIO + DMA), check the freeze, unfreeze it — ` +
      `${CYCLES.toLocaleString("en-US")} operations over every endpoint of the machine, best of ${ROUNDS} interleaved rounds. ` +
      `Baseline: the same operation on the 16-PE machine (one IODA2 PHB, 15 endpoints); ratio = cost ÷ baseline cost. ` +
      `The target (≤ 1.5 at 16 384 PEs) is DESIGN.md's "per-operation cost independent of the total number of PEs".`,
    rows: machines.map((x, i) => ({
      figure: `freeze+lookup+unfreeze, ${x.name}`,
      value: x.usPerOp,
      unit: "µs/op",
      ...(i === 0 ? {} : { baseline: `${base.usPerOp.toFixed(1)} µs/op at ${base.name}`, ratio: x.usPerOp / base.usPerOp }),
      ...(i === machines.length - 1 ? { target: { max: 1.5 } } : {}),
      detail: `${x.pes.toLocaleString("en-US")} PEs assigned on ${x.m.spec.phbs.length} PHB${x.m.spec.phbs.length > 1 ? "s" : ""}; machine built in ${x.buildMs.toFixed(0)} ms.`,
    })),
  };
}
