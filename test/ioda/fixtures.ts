// Hand-written machine descriptions for the ioda tests (independent of the builder).
import type { BarSpec, MachineSpec, PciFunctionSpec, PhbModelKind, PhbSpec } from "../../src/pci/topology.js";

const A = (domain: number, bus: number, device: number, fn = 0) => ({ domain, bus, device, fn });

function bridge(domain: number, bus: number, device: number, kind: PciFunctionSpec["kind"], sec: number, sub: number, extra: Partial<PciFunctionSpec> = {}): PciFunctionSpec {
  return { address: A(domain, bus, device), kind, vendorId: 0x1014, deviceId: kind === "root-port" ? 0x03dc : 0x8748, classCode: 0x060400, bars: [], secondaryBus: sec, subordinateBus: sub, aer: true, ...extra };
}

function ep(domain: number, bus: number, device: number, bars: BarSpec[], extra: Partial<PciFunctionSpec> = {}): PciFunctionSpec {
  return { address: A(domain, bus, device, extra.address?.fn ?? 0), kind: "endpoint", vendorId: 0x15b3, deviceId: 0x1013, classCode: 0x020000, bars, aer: true, ...extra };
}

const MEM32 = (index: number, size: number): BarSpec => ({ index, type: "mem32", size, prefetchable: false });
const MEM64 = (index: number, size: number): BarSpec => ({ index, type: "mem64", size, prefetchable: true });

/** A switch with `ports` downstream ports, one endpoint under each. */
export function switchPhb(id: number, model: PhbModelKind, ports: number): PhbSpec {
  const d = id;
  const fns: PciFunctionSpec[] = [bridge(d, 0, 0, "root-port", 1, 2 + ports), bridge(d, 1, 0, "upstream-port", 2, 2 + ports)];
  for (let i = 0; i < ports; i++) {
    fns.push(bridge(d, 2, i, "downstream-port", 3 + i, 3 + i));
    fns.push(ep(d, 3 + i, 0, [MEM32(0, 0x10000), MEM64(2, 0x100000)], { label: `dev${i}` }));
  }
  return { id, domain: d, model, functions: fns };
}

export function demoSpec(): MachineSpec {
  return { phbs: [switchPhb(0, "ioda2", 3), switchPhb(1, "ioda1", 2)] };
}
