// IOMMU groups: the unit a VFIO user takes from the host (linux-eeh.md §5.1–§5.2). On
// PowerNV Linux makes one group per PE (the PE's TCE table group), holding the PE's
// functions; bridges are not assignable and belong to no group. A machine may instead
// be given its groups explicitly. `eeh_iommu_group_to_pe`: the PE of the group's first
// device that still has a pci_dev (a group whose devices were all removed has none).

import { ArgumentError, NotFoundError } from "../core/errors.js";
import type { EehCore } from "../eeh/eeh-core.js";
import { formatPciAddress, parsePciAddress } from "../pci/address.js";
import type { EehPeRef } from "../platform/eeh-ops.js";

export interface IommuGroup {
  /** The group number (`/dev/vfio/<id>`), in (PHB, PE) order from 0. */
  readonly id: number;
  readonly phbId: number;
  /** The PE of the group's first device. */
  readonly pe: number;
  /** Device addresses `dddd:bb:dd.f`, in the order given (default: RID order). */
  readonly devices: readonly string[];
}

/**
 * The groups of a machine: `explicit` lists the devices of each group; by default one
 * group per PE with at least one non-bridge function. A group may not hold bridges, and
 * the devices of one PE may not be split over groups (its EEH state is shared).
 */
export function buildIommuGroups(core: EehCore, explicit?: ReadonlyArray<readonly string[]>): IommuGroup[] {
  if (explicit) return explicitGroups(core, explicit);
  const out: IommuGroup[] = [];
  const phbIds = [...core.machine.layout.phbs.keys()].sort((a, b) => a - b);
  for (const phbId of phbIds) {
    const tree = core.tree(phbId);
    const pes = Object.keys(tree.pes)
      .map(Number)
      .sort((a, b) => a - b);
    for (const pe of pes) {
      const devices: string[] = [];
      for (const rid of [...tree.pes[pe]!.rids].sort((a, b) => a - b)) {
        const fn = core.machine.phbLayout(phbId).fnByRid.get(rid);
        const d = fn ? core.devices.get(formatPciAddress(fn.address)) : undefined;
        if (d && !d.bridge) devices.push(d.address);
      }
      if (devices.length > 0) out.push({ id: out.length, phbId, pe, devices });
    }
  }
  return out;
}

function explicitGroups(core: EehCore, explicit: ReadonlyArray<readonly string[]>): IommuGroup[] {
  const groupOfPe = new Map<string, number>();
  const seen = new Set<string>();
  return explicit.map((list, id) => {
    if (list.length === 0) throw new ArgumentError(`IOMMU group ${id} has no devices`, { group: id });
    const devices = list.map((a) => {
      const address = formatPciAddress(parsePciAddress(a));
      const d = core.devices.get(address);
      if (!d) throw new NotFoundError(`IOMMU group ${id}: no device ${address}`, { group: id, address });
      if (d.bridge) throw new ArgumentError(`IOMMU group ${id}: ${address} is a bridge and cannot be assigned`, { group: id, address });
      if (seen.has(address)) throw new ArgumentError(`IOMMU group ${id}: ${address} is already in another group`, { group: id, address });
      seen.add(address);
      const key = `${d.phbId}:${d.pe}`;
      const other = groupOfPe.get(key);
      if (other !== undefined && other !== id) {
        throw new ArgumentError(`IOMMU group ${id}: ${address} shares ${core.peName({ phbId: d.phbId, pe: d.pe })} with group ${other}`, { group: id, address });
      }
      groupOfPe.set(key, id);
      return d;
    });
    const first = devices[0]!;
    return { id, phbId: first.phbId, pe: first.pe, devices: devices.map((d) => d.address) };
  });
}

/** eeh_iommu_group_to_pe: the PE of the first device that is still present, or none. */
export function iommuGroupToPe(core: EehCore, group: IommuGroup): EehPeRef | undefined {
  for (const a of group.devices) {
    const d = core.devices.get(a);
    if (d && d.present) return { phbId: d.phbId, pe: d.pe };
  }
  return undefined;
}
