// Machines for the pSeries tests: an IODA2 PHB with a bus PE (a two-function adapter), two
// device PEs sharing a bus, an SR-IOV PF with two VF PEs and a PCIe-to-PCI bridge; and an
// IODA1 PHB with a bus PE and a device PE. Location codes are explicit so the logs' FRU
// callouts are predictable.

import { VirtualClock } from "../../../src/core/clock.js";
import { Machine } from "../../../src/ioda/machine.js";
import { MachineBuilder } from "../../../src/pci/builder.js";
import type { MachineSpec } from "../../../src/pci/topology.js";
import { PseriesPlatform, type PseriesOptions } from "../../../src/platform/pseries/index.js";

export const UNIT = "U78C9.001.WZS0001";
export const loc = (slot: string) => `${UNIT}-P1-${slot}`;

/** 2025-06-11 09:30:00 UTC: virtual time 0 of every test platform. */
export const EPOCH_MS = Date.UTC(2025, 5, 11, 9, 30, 0);

export function pseriesSpec(): MachineSpec {
  return new MachineBuilder({ unit: UNIT })
    .phb({ model: "ioda2", id: 0, location: loc("C1") }, (root) => {
      root.switch({ downstreamPorts: 4, upstream: { location: loc("C1") }, downstream: { location: loc("C1") } }, (ports) => {
        ports[0]!.endpoint({ functions: 2, location: loc("C2"), label: "eth" });
        ports[1]!.port({ pePerDevice: true }).endpoint({ location: loc("C3"), label: "nvme0" }).endpoint({ location: loc("C4"), label: "nvme1" });
        ports[2]!.endpoint({ location: loc("C5"), label: "mlx", sriov: { numVfs: 2 } });
        ports[3]!.pciBridge({ location: loc("C6") }, (bus) => bus.endpoint({ location: loc("C6"), label: "legacy" }));
      });
    })
    .phb({ model: "ioda1", id: 1, location: loc("C7") }, (root) => {
      root.switch({ downstreamPorts: 2, upstream: { location: loc("C7") }, downstream: { location: loc("C7") } }, (ports) => {
        ports[0]!.endpoint({ location: loc("C8"), label: "sas" });
        ports[1]!.port({ pePerDevice: true }).endpoint({ location: loc("C9"), label: "fc" });
      });
    })
    .build();
}

export function newPlatform(options: PseriesOptions = {}, spec: MachineSpec = pseriesSpec()): { m: Machine; clock: VirtualClock; rtas: PseriesPlatform } {
  const m = Machine.build(spec);
  const clock = new VirtualClock();
  const rtas = new PseriesPlatform(m, clock, { epochMs: EPOCH_MS, machineTypeModel: "8286-42A", serialNumber: "21ABCDE", ...options });
  return { m, clock, rtas };
}
