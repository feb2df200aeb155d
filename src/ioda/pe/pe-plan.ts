// PE assignment the way Linux does it on PowerNV (powernv-opal.md §1.4, linux-eeh.md §1.6,
// §1.9): the root bus gets PE reserved−1; every bus behind a bridge gets a bus PE (a
// PCIe-to-PCI bridge one BUS_ALL PE over all its subordinate buses); a bridge marked
// `pePerDevice` gives each function on its secondary bus a device PE; each SR-IOV VF gets
// its own PE, VF n in PE x+n. Numbers are allocated scanning *down* from num_pes−1 for
// the first free one (so the first PHB3 PE is 0xfd); pinned numbers are honoured first.
// The plan also gives each PE's Linux parent (the PE of its upstream bridge, or the PF
// for a VF) and the PELT-V bits Linux programs from it (self bit, and every ancestor's
// row gets the PE: errors propagate down, never up).

import { TopologyError } from "../../core/errors.js";
import { formatPciAddress, ridOf, type Rid } from "../../pci/address.js";
import { isBridgeKind, type PciFunctionSpec, type PhbSpec } from "../../pci/topology.js";
import { OPAL_PCI_BUS_ALL, type RidRange } from "../phb-model.js";
import { EEH_PE_BUS, EEH_PE_DEVICE, EEH_PE_VF, PNV_IODA_PE_BUS, PNV_IODA_PE_BUS_ALL, PNV_IODA_PE_DEV, PNV_IODA_PE_VF } from "./pe-flags.js";

export interface PePlan {
  readonly pe: number;
  /** Linux eeh_pe type (EEH_PE_BUS / _DEVICE / _VF). */
  readonly eehType: number;
  /** pnv_ioda_pe flags (PNV_IODA_PE_BUS / _BUS_ALL / _DEV / _VF). */
  readonly pnvFlags: number;
  readonly ranges: readonly RidRange[];
  /** RIDs of the functions in this PE, ascending. */
  readonly rids: readonly Rid[];
  /** Parent PE number, or null when the parent is the PHB PE. */
  readonly parent: number | null;
  /** Primary bus of the PE (the bus its devices sit on). */
  readonly bus: number;
}

export interface PhbPlan {
  readonly phbId: number;
  readonly numPes: number;
  readonly reservedPe: number;
  readonly rootBusPe: number;
  /** PEs in allocation order (root bus PE first). */
  readonly pes: readonly PePlan[];
  readonly peOfRid: ReadonlyMap<Rid, number>;
  /** (parent, child) pairs of PELT-V. */
  readonly peltv: ReadonlyArray<readonly [number, number]>;
}

export interface ModelLimits {
  readonly numPes: number;
  readonly reservedPe: number;
  readonly rootBusPe: number;
  readonly supportsVfPes: boolean;
}

/** Bus compare for a BUS_ALL PE over `count` buses (§1.2). */
export function busCompareForCount(count: number): number | undefined {
  const table: Record<number, number> = { 1: OPAL_PCI_BUS_ALL, 2: 6, 4: 5, 8: 4, 16: 3, 32: 2 };
  return table[count];
}

export function planPes(phb: PhbSpec, limits: ModelLimits, path = "phb"): PhbPlan {
  const byRid = new Map<Rid, PciFunctionSpec>();
  phb.functions.forEach((f) => byRid.set(ridOf(f.address), f));
  const onBus = (bus: number): PciFunctionSpec[] =>
    phb.functions.filter((f) => f.address.bus === bus && f.kind !== "vf").sort((a, b) => ridOf(a.address) - ridOf(b.address));

  const used = new Set<number>([limits.reservedPe, limits.rootBusPe]);
  const pinned = new Set<number>();
  phb.functions.forEach((f) => {
    if (f.pe !== undefined) pinned.add(f.pe);
  });
  for (const p of pinned) {
    if (p === limits.reservedPe || p === limits.rootBusPe) {
      throw new TopologyError(`PE ${p} is reserved (reserved PE ${limits.reservedPe}, root-bus PE ${limits.rootBusPe})`, path);
    }
    if (p < 0 || p >= limits.numPes) throw new TopologyError(`pinned PE ${p} outside 0..${limits.numPes - 1}`, path);
  }
  const alloc = (want: number | undefined, what: string): number => {
    if (want !== undefined) {
      if (used.has(want)) throw new TopologyError(`PE ${want} is pinned by two PEs (${what})`, path);
      used.add(want);
      return want;
    }
    for (let pe = limits.numPes - 1; pe >= 0; pe--) {
      if (!used.has(pe) && !pinned.has(pe)) {
        used.add(pe);
        return pe;
      }
    }
    throw new TopologyError(`no free PE left for ${what} (${limits.numPes} PEs per PHB)`, path);
  };
  const pinOf = (fns: PciFunctionSpec[], what: string): number | undefined => {
    const pins = [...new Set(fns.map((f) => f.pe).filter((p): p is number => p !== undefined))];
    if (pins.length > 1) throw new TopologyError(`functions of one PE (${what}) pin different PEs ${pins.join(", ")}`, path);
    return pins[0];
  };

  const pes: PePlan[] = [];
  const peOfRid = new Map<Rid, number>();
  const add = (plan: PePlan): void => {
    pes.push(plan);
    plan.rids.forEach((r) => peOfRid.set(r, plan.pe));
  };

  add({
    pe: limits.rootBusPe,
    eehType: EEH_PE_BUS,
    pnvFlags: PNV_IODA_PE_BUS,
    ranges: [{ bus: 0, busCompare: OPAL_PCI_BUS_ALL }],
    rids: onBus(0).map((f) => ridOf(f.address)),
    parent: null,
    bus: 0,
  });

  const visit = (bridge: PciFunctionSpec): void => {
    const sec = bridge.secondaryBus;
    const sub = bridge.subordinateBus;
    if (sec === undefined || sub === undefined) return;
    const parent = peOfRid.get(ridOf(bridge.address)) ?? null;
    const name = `bus ${sec.toString(16).padStart(2, "0")} below ${formatPciAddress(bridge.address)}`;
    if (bridge.kind === "pci-bridge") {
      // A PCIe-to-PCI bridge: one BUS_ALL PE over every subordinate bus.
      const count = sub - sec + 1;
      const compare = busCompareForCount(count) ?? OPAL_PCI_BUS_ALL;
      // VFs get PEs of their own below; everything else on the subordinate buses is in this PE.
      const fns = phb.functions.filter((f) => f.address.bus >= sec && f.address.bus <= sub && f.kind !== "vf");
      const pe = alloc(pinOf(fns, name), name);
      add({
        pe,
        eehType: EEH_PE_BUS,
        pnvFlags: PNV_IODA_PE_BUS | PNV_IODA_PE_BUS_ALL,
        ranges: [{ bus: sec, busCompare: compare }],
        rids: fns.map((f) => ridOf(f.address)).sort((a, b) => a - b),
        parent,
        bus: sec,
      });
      return;
    }
    const fns = onBus(sec);
    if (bridge.pePerDevice) {
      for (const f of fns) {
        const what = formatPciAddress(f.address);
        add({
          pe: alloc(f.pe, what),
          eehType: EEH_PE_DEVICE,
          pnvFlags: PNV_IODA_PE_DEV,
          ranges: [{ bus: sec, busCompare: OPAL_PCI_BUS_ALL, device: f.address.device, fn: f.address.fn }],
          rids: [ridOf(f.address)],
          parent,
          bus: sec,
        });
      }
    } else if (fns.length > 0) {
      add({
        pe: alloc(pinOf(fns, name), name),
        eehType: EEH_PE_BUS,
        pnvFlags: PNV_IODA_PE_BUS,
        ranges: [{ bus: sec, busCompare: OPAL_PCI_BUS_ALL }],
        rids: fns.map((f) => ridOf(f.address)),
        parent,
        bus: sec,
      });
    }
    for (const child of fns.filter((f) => isBridgeKind(f.kind))) visit(child);
  };
  for (const f of onBus(0).filter((f) => isBridgeKind(f.kind))) visit(f);

  // SR-IOV: VF n of a PF lands in PE x+n (a contiguous block, allocated downwards).
  const pfs = phb.functions.filter((f) => f.sriov && f.sriov.numVfs > 0).sort((a, b) => ridOf(a.address) - ridOf(b.address));
  for (const pf of pfs) {
    const vfs = phb.functions
      .filter((f) => f.kind === "vf" && f.physfn && ridOf(f.physfn) === ridOf(pf.address) && f.physfn.domain === pf.address.domain)
      .sort((a, b) => (a.vfIndex ?? 0) - (b.vfIndex ?? 0));
    if (vfs.length === 0) continue;
    if (!limits.supportsVfPes) {
      throw new TopologyError(`SR-IOV VF PEs need an IODA2 PHB (Linux supports SR-IOV on PowerNV from PHB3 on)`, `${path}.functions(${formatPciAddress(pf.address)})`);
    }
    const pinnedFirst = vfs[0]!.pe;
    let x = -1;
    if (pinnedFirst !== undefined) {
      x = pinnedFirst;
    } else {
      for (let start = limits.numPes - vfs.length; start >= 0; start--) {
        let free = true;
        for (let i = 0; i < vfs.length && free; i++) if (used.has(start + i) || pinned.has(start + i)) free = false;
        if (free) {
          x = start;
          break;
        }
      }
      if (x < 0) throw new TopologyError(`no block of ${vfs.length} free PEs for the VFs of ${formatPciAddress(pf.address)}`, path);
    }
    const parent = peOfRid.get(ridOf(pf.address)) ?? null;
    vfs.forEach((vf, n) => {
      const pe = x + n;
      if (used.has(pe) && !(pinnedFirst !== undefined && vf.pe === pe)) throw new TopologyError(`VF PE ${pe} is already in use`, path);
      used.add(pe);
      const r = ridOf(vf.address);
      add({
        pe,
        eehType: EEH_PE_VF,
        pnvFlags: PNV_IODA_PE_VF,
        ranges: [{ bus: vf.address.bus, busCompare: OPAL_PCI_BUS_ALL, device: vf.address.device, fn: vf.address.fn }],
        rids: [r],
        parent,
        bus: vf.address.bus,
      });
    });
  }

  const parentOf = new Map(pes.map((p) => [p.pe, p.parent]));
  const peltv: Array<[number, number]> = [];
  for (const p of pes) {
    peltv.push([p.pe, p.pe]);
    for (let a = p.parent; a !== null; a = parentOf.get(a) ?? null) peltv.push([a, p.pe]);
  }
  return { phbId: phb.id, numPes: limits.numPes, reservedPe: limits.reservedPe, rootBusPe: limits.rootBusPe, pes, peOfRid, peltv };
}
