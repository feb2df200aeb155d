// Machines of a given size for the benchmarks: `phbs` IODA2 PHBs, each a root port with
// `perPhb` functions on bus 1 that get one PE each (root port marked pePerDevice), so a
// PHB carries up to 253 device PEs plus its root-bus PE.
import type { Machine } from "../src/ioda/machine.js";
import type { MachineSpec, PciFunctionSpec, PhbSpec } from "../src/pci/topology.js";

export function benchSpec(phbs: number, perPhb: number): MachineSpec {
  const out: PhbSpec[] = [];
  for (let id = 0; id < phbs; id++) {
    const fns: PciFunctionSpec[] = [
      { address: { domain: id, bus: 0, device: 0, fn: 0 }, kind: "root-port", vendorId: 0x1014, deviceId: 0x03dc, classCode: 0x060400, bars: [], secondaryBus: 1, subordinateBus: 1, pePerDevice: true, aer: true },
    ];
    for (let i = 0; i < perPhb; i++) {
      fns.push({
        address: { domain: id, bus: 1, device: i >> 3, fn: i & 7 },
        kind: "endpoint",
        vendorId: 0x15b3,
        deviceId: 0x1013,
        classCode: 0x020000,
        bars: [{ index: 0, type: "mem32", size: 0x4000, prefetchable: false }],
        aer: true,
      });
    }
    out.push({ id, domain: id, model: "ioda2", functions: fns });
  }
  return { phbs: out };
}

/** The four sizes of the issue: 16, 256, 4 096 and 16 384 PE slots (64 IODA2 PHBs). */
export const SIZES: ReadonlyArray<{ name: string; phbs: number; perPhb: number }> = [
  { name: "16 PEs", phbs: 1, perPhb: 15 },
  { name: "256 PEs", phbs: 1, perPhb: 253 },
  { name: "4096 PEs", phbs: 16, perPhb: 253 },
  { name: "16384 PEs", phbs: 64, perPhb: 253 },
];

export function size(name: string): { name: string; phbs: number; perPhb: number } {
  const s = SIZES.find((x) => x.name === name);
  if (!s) throw new Error(`no benchmark size ${name}`);
  return s;
}

/**
 * A machine of `large`'s size whose first PHB is `small`'s (narrow) PHB and whose other
 * PHBs are as wide as `large` makes them. A hot reset resets every function on the PHB's
 * root bus, so the cost of recovering a PE on the first PHB depends on that PHB's width
 * (allowed: "may grow with the PEs of one PHB"); this machine keeps that width equal to
 * the small machine's, so a ratio against `small` measures growth with the machine alone.
 */
export function narrowFirstPhb(small: { perPhb: number }, large: { phbs: number; perPhb: number }): MachineSpec {
  return { phbs: [...benchSpec(1, small.perPhb).phbs, ...benchSpec(large.phbs, large.perPhb).phbs.slice(1)] };
}

/** The PEs a built machine assigns (device PEs plus each PHB's root-bus PE). */
export function assignedPes(m: Machine): number {
  return m.spec.phbs.reduce((a, p) => a + m.phbLayout(p.id).plan.pes.length, 0);
}
