// The two PCI core walks the AER flows use (aer-xen.md §2.1 step 3, §3 step 1):
// `pci_walk_bus` — every device on a bus and, below each bridge, its subordinate bus, in
// pre-order (the bridge before its children), devices of a bus in devfn order — and
// `pci_upstream_bridge`. Read from the machine's static layout.

import type { Machine } from "../ioda/machine.js";
import type { PhbLayout } from "../ioda/layout.js";
import { ridOf, type Rid } from "../pci/address.js";
import { isBridgeKind } from "../pci/topology.js";

/** RIDs of the devices on `bus` and below, pre-order (pci_walk_bus). */
export function walkBus(pl: PhbLayout, bus: number): Rid[] {
  const out: Rid[] = [];
  const visit = (b: number, depth: number): void => {
    if (depth > 256) return;
    const here = pl.spec.functions.filter((f) => f.address.bus === b).sort((x, y) => ridOf(x.address) - ridOf(y.address));
    for (const f of here) {
      out.push(ridOf(f.address));
      if (isBridgeKind(f.kind) && f.secondaryBus !== undefined && f.secondaryBus !== b) visit(f.secondaryBus, depth + 1);
    }
  };
  visit(bus, 0);
  return out;
}

/** pci_walk_bridge: the devices under the bridge's subordinate bus, or the bridge alone. */
export function walkBridge(pl: PhbLayout, bridge: Rid): Rid[] {
  const spec = pl.fnByRid.get(bridge);
  if (spec && isBridgeKind(spec.kind) && spec.secondaryBus !== undefined) return walkBus(pl, spec.secondaryBus);
  return [bridge];
}

/** pci_upstream_bridge: the bridge whose secondary bus the device sits on (none on bus 0). */
export function upstreamBridge(pl: PhbLayout, rid: Rid): Rid | undefined {
  return pl.bridgeForBus.get(rid >> 8);
}

/** pci_is_root_bus(dev->bus): bus 0 of the PHB. */
export function onRootBus(rid: Rid): boolean {
  return rid >> 8 === 0;
}

export function phbLayoutOf(m: Machine, phbId: number): PhbLayout {
  return m.phbLayout(phbId);
}
