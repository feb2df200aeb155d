// The EEH devices of a PE, found through the PE's own RIDs (linux-eeh.md §1.4 `edevs`,
// `eeh_pe_for_each_dev`; §1.6 `eeh_pe_dev_traverse`), through the core's per-PHB device
// index, so every VFIO op costs in proportion to the PE (and its PHB), never to the
// machine (DESIGN.md "State": per-operation cost independent of the total number of PEs).

import type { EehCore } from "../eeh/eeh-core.js";
import type { EehDevice } from "../eeh/eeh-dev.js";
import { forEachPe } from "../ioda/pe/pe-tree.js";
import type { PciFunctionSpec } from "../pci/topology.js";
import type { EehPeRef } from "../platform/eeh-ops.js";

export class DeviceIndex {
  constructor(readonly core: EehCore) {}

  byRid(phbId: number, rid: number): EehDevice | undefined {
    return this.core.deviceAt(phbId, rid);
  }

  /** The device's PCI function description (vendor/device ids, kind). */
  spec(d: EehDevice): PciFunctionSpec | undefined {
    return this.core.machine.phbLayout(d.phbId).fnByRid.get(d.rid);
  }

  /** `eeh_pe_for_each_dev`: the devices of this PE only. */
  ofPe(pe: EehPeRef): EehDevice[] {
    const out: EehDevice[] = [];
    for (const rid of this.core.pe(pe).rids) {
      const d = this.byRid(pe.phbId, rid);
      if (d) out.push(d);
    }
    return out;
  }

  /** `eeh_pe_dev_traverse`: the devices of every PE of the subtree, in pre-order. */
  ofSubtree(root: EehPeRef): EehDevice[] {
    const out: EehDevice[] = [];
    forEachPe(this.core.tree(root.phbId), root.pe, (pe) => {
      for (const rid of pe.rids) {
        const d = this.byRid(root.phbId, rid);
        if (d) out.push(d);
      }
    });
    return out;
  }
}
