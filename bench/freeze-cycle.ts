// Freeze + lookup + unfreeze cost against machine size (issue 3 target: the per-op cost
// on the largest machine is at most 1.5 × the smallest's — cost must not grow with the
// machine, DESIGN.md "State").
import { Machine } from "../src/ioda/machine.js";
import { freezePe, unfreezePe } from "../src/ioda/faults.js";
import { formatPciAddress } from "../src/pci/address.js";
import { benchSpec, SIZES } from "./machines.js";
import type { BenchResult } from "./report.js";

function cycle(m: Machine, devs: string[], n: number): void {
  for (let i = 0; i < n; i++) {
    const dev = devs[(i * 7919) % devs.length]!;
    const { phb, pe } = m.peOf(dev); // lookup through the RTT
    freezePe(m, phb, pe, { mmio: true, dma: true });
    if (!m.peFreezeState(phb, pe).mmio) throw new Error("freeze did not stick");
    unfreezePe(m, phb, pe, { mmio: true, dma: true });
  }
}

export function benchFreezeCycle(): BenchResult[] {
  const rows: Array<{ name: string; pes: number; nsPerOp: number; buildMs: number }> = [];
  for (const size of SIZES) {
    const t0 = performance.now();
    const m = Machine.build(benchSpec(size.phbs, size.perPhb));
    const buildMs = performance.now() - t0;
    const devs = m.spec.phbs.flatMap((p) => p.functions.filter((f) => f.kind === "endpoint").map((f) => formatPciAddress(f.address)));
    cycle(m, devs, 2000); // warm-up
    const n = 20000;
    const t1 = performance.now();
    cycle(m, devs, n);
    const ns = ((performance.now() - t1) * 1e6) / n;
    const pes = m.spec.phbs.reduce((a, p) => a + m.phbLayout(p.id).plan.pes.length, 0);
    rows.push({ name: size.name, pes, nsPerOp: ns, buildMs });
  }
  const base = rows[0]!.nsPerOp;
  return rows.map((r, i) => ({
    figure: `freeze+lookup+unfreeze, ${r.name} (${r.pes} assigned, built in ${r.buildMs.toFixed(0)} ms)`,
    value: 1e9 / r.nsPerOp,
    unit: "cycles/s",
    baseline: i === 0 ? undefined : `${base.toFixed(0)} ns/cycle at 16 PEs`,
    ratio: r.nsPerOp / base,
    target: i === rows.length - 1 ? { max: 1.5 } : undefined,
  }));
}
