// Machines of a given size for the benchmarks: `phbs` IODA2 PHBs, each a root port with
// `perPhb` functions on bus 1 that get one PE each (root port marked pePerDevice), so a
// PHB carries up to 253 device PEs plus its root-bus PE.
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
