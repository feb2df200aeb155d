// Everything a scenario runs on: a host (host.ts: the virtual clock, the machine, the
// platform firmware and its EEH ops, the Linux EEH core with the scenario's drivers), the VFIO
// host, and one container (plus a QEMU sPAPR front end) per guest. Built once per run.

import type { VirtualClock } from "../core/clock.js";
import type { EehCore } from "../eeh/eeh-core.js";
import type { HostLog } from "../eeh/host-log.js";
import { scriptedDriver, type PciDriver, type ResultName } from "../eeh/driver.js";
import { Machine } from "../ioda/machine.js";
import { VfioHost } from "../vfio/vfio-host.js";
import type { VfioContainer } from "../vfio/container.js";
import { SpaprGuest } from "../vfio/spapr-guest.js";
import type { VfioDevice } from "../vfio/vfio-device.js";
import type { GuestRecoverReport } from "../vfio/guest-recover.js";
import { createHost, type Host } from "./host.js";
import { buildMachineSpec, Names, UnknownNameError } from "./machine.js";
import type { Scenario, ScenarioDriver, ScenarioGuest } from "./schema.js";

export interface GuestRuntime {
  readonly spec: ScenarioGuest;
  readonly container: VfioContainer;
  readonly spapr: SpaprGuest;
  /** Host address → the guest's open device. */
  readonly devices: Map<string, VfioDevice>;
  /** The guest's own log: what it did and what it saw. */
  readonly lines: Array<{ t: number; line: string }>;
  /** The documented recovery flow, while it runs. */
  recovering?: Promise<GuestRecoverReport>;
  /** How the last recovery ended ("none" when it never ran). */
  outcome: "recovered" | "failed" | "not-frozen" | "none";
}

const RESULT_NAMES: Record<string, ResultName> = {
  none: "none",
  "can recover": "can recover",
  "need reset": "need reset",
  disconnect: "disconnect",
  recovered: "recovered",
  "no aer driver": "no AER driver",
};

function driverOf(d: ScenarioDriver): PciDriver {
  const name = d.name ?? "drv";
  if (d.aware === false) return { name };
  const r = (v: string | undefined): ResultName | undefined => (v === undefined ? undefined : RESULT_NAMES[v]);
  const answers = {
    ...(d.error_detected !== undefined ? { errorDetected: r(d.error_detected)! } : {}),
    ...(d.mmio_enabled !== undefined ? { mmioEnabled: r(d.mmio_enabled)! } : {}),
    ...(d.slot_reset !== undefined ? { slotReset: r(d.slot_reset)! } : {}),
    ...(d.resume !== undefined ? { resume: d.resume } : {}),
  };
  // Callbacks without an answer are not implemented (scriptedDriver); none at all makes the
  // driver EEH-unaware, as does "aware": false.
  return scriptedDriver(name, answers);
}

export class World {
  readonly host: Host;
  readonly clock: VirtualClock;
  readonly log: HostLog;
  readonly machine: Machine;
  readonly core: EehCore;
  readonly names: Names;
  readonly vfio: VfioHost;
  readonly guests = new Map<string, GuestRuntime>();

  private constructor(readonly scenario: Scenario) {
    if (scenario.platform === "compare") throw new UnknownNameError("a comparison scenario has no machine to build", "platform");
    const machine = Machine.build(buildMachineSpec(scenario.machine!));
    // Drivers are named in the scenario by label or address: resolve them before the core binds them.
    this.names = new Names(machine);
    const drivers: Record<string, PciDriver> = {};
    for (const [ref, d] of Object.entries(scenario.drivers)) drivers[this.names.device(ref, `drivers[${JSON.stringify(ref)}]`)] = driverOf(d);
    this.host = createHost(machine, scenario.platform, { drivers, ...(scenario.maxFreezes !== undefined ? { maxFreezes: scenario.maxFreezes } : {}) });
    ({ clock: this.clock, log: this.log, machine: this.machine, core: this.core } = this.host);
    this.vfio = new VfioHost(this.core);
  }

  /** Build the world and hand the guests their devices (opening a device takes virtual time). */
  static async create(scenario: Scenario): Promise<World> {
    const w = new World(scenario);
    for (const [gi, g] of scenario.guests.entries()) await w.addGuest(g, gi);
    return w;
  }

  private async addGuest(g: ScenarioGuest, gi: number): Promise<void> {
    const container = this.vfio.openContainer(g.name);
    const devices = new Map<string, VfioDevice>();
    const addresses = g.devices.map((ref, i) => this.names.device(ref, `guests[${gi}].devices[${i}]`));
    for (const [i, a] of addresses.entries()) {
      const group = this.vfio.groupOf(a);
      if (!group) throw new UnknownNameError(`${this.names.describe(a)} is in no IOMMU group (bridges cannot be passed through)`, `guests[${gi}].devices[${i}]`);
      if (!container.holds(group.id)) {
        const rc = container.addGroup(group.id);
        if (rc !== 0) throw new UnknownNameError(`cannot give IOMMU group ${group.id} of ${this.names.describe(a)} to guest "${g.name}" (errno ${rc}; another guest holds it?)`, `guests[${gi}].devices[${i}]`);
      }
    }
    for (const [i, a] of addresses.entries()) {
      const opened = container.openDevice(a);
      await this.clock.runUntilIdle();
      const dev = await opened;
      if (typeof dev === "number") throw new UnknownNameError(`guest "${g.name}" cannot open ${this.names.describe(a)} (errno ${dev})`, `guests[${gi}].devices[${i}]`);
      devices.set(a, dev);
    }
    const spapr = new SpaprGuest(container);
    this.guests.set(g.name, { spec: g, container, spapr, devices, lines: [], outcome: "none" });
  }

  guest(name: string): GuestRuntime {
    // The schema checked every guest name a timeline step or expectation uses.
    return this.guests.get(name)!;
  }
}
