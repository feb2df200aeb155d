// Lookups over a validated MachineSpec for the hardware model: which function a RID names,
// which bridge leads to a bus, the chain of bridges a TLP or error message crosses on its
// way up to the root port, what lies below a bridge. Built once per machine (O(functions)),
// then each lookup is O(1) or O(depth) (O(result size) for the lists), so per-operation
// cost stays independent of the size of the machine (DESIGN.md, "State").

import { NotFoundError } from "../core/errors.js";
import { formatPciAddress, ridOf, type PciAddress, type Rid } from "./address.js";
import { isBridgeKind, type MachineSpec, type PciFunctionSpec, type PhbSpec } from "./topology.js";

/** Where a function is in the description (the indices of its JSON path). */
export interface FunctionPosition {
  readonly phbIndex: number;
  readonly functionIndex: number;
}

/** Lookups within one PHB. */
export class PhbIndex {
  private readonly byRid = new Map<Rid, PciFunctionSpec>();
  private readonly bySecondary = new Map<number, PciFunctionSpec>();
  private readonly onBus = new Map<number, PciFunctionSpec[]>();
  // Keyed by RID rather than object identity, so an equal copy of a function works too.
  private readonly parents = new Map<Rid, PciFunctionSpec>();
  private readonly children = new Map<Rid, PciFunctionSpec[]>();
  private readonly vfLists = new Map<Rid, PciFunctionSpec[]>();
  private readonly positions = new Map<Rid, number>();
  /** The PHB's root port (00:00.0). */
  readonly rootPort: PciFunctionSpec;

  constructor(
    readonly phb: PhbSpec,
    readonly phbIndex: number,
  ) {
    phb.functions.forEach((fn, j) => {
      this.byRid.set(ridOf(fn.address), fn);
      this.positions.set(ridOf(fn.address), j);
      if (isBridgeKind(fn.kind) && fn.secondaryBus !== undefined) this.bySecondary.set(fn.secondaryBus, fn);
      push(this.onBus, fn.address.bus, fn);
    });
    const root = this.byRid.get(0);
    if (!root || root.kind !== "root-port") throw new NotFoundError(`PHB#${phb.id} has no root port at 00:00.0`, { phb: phb.id });
    this.rootPort = root;
    for (const fn of phb.functions) {
      if (fn === root) continue;
      const parent = this.bySecondary.get(fn.address.bus) ?? (fn.physfn ? this.parentOfVf(fn) : undefined);
      if (parent) {
        this.parents.set(ridOf(fn.address), parent);
        push(this.children, ridOf(parent.address), fn);
      }
      if (fn.kind === "vf" && fn.physfn) push(this.vfLists, ridOf(fn.physfn), fn);
    }
    for (const list of this.vfLists.values()) list.sort((a, b) => (a.vfIndex ?? 0) - (b.vfIndex ?? 0));
  }

  // A VF on a bus reserved for VFs hangs below its PF's parent bridge.
  private parentOfVf(vf: PciFunctionSpec): PciFunctionSpec | undefined {
    const pf = this.byRid.get(ridOf(vf.physfn!));
    return pf ? this.bySecondary.get(pf.address.bus) : undefined;
  }

  /** The function a requester ID names, if any. */
  functionByRid(rid: Rid): PciFunctionSpec | undefined {
    return this.byRid.get(rid);
  }

  /** The bridge whose secondary bus is `bus`. */
  bridgeForBus(bus: number): PciFunctionSpec | undefined {
    return this.bySecondary.get(bus);
  }

  /** Functions whose address is on `bus` (description order). */
  functionsOnBus(bus: number): readonly PciFunctionSpec[] {
    return this.onBus.get(bus) ?? [];
  }

  /** The bridge directly above `fn` (undefined for the root port). */
  parentBridge(fn: PciFunctionSpec): PciFunctionSpec | undefined {
    return this.parents.get(this.require(fn));
  }

  /** The bridges from `fn`'s parent up to and including the root port, nearest first. */
  bridgeChain(fn: PciFunctionSpec): PciFunctionSpec[] {
    const out: PciFunctionSpec[] = [];
    // A validated hierarchy has at most 256 levels; the bound only guards unvalidated input.
    for (let p = this.parentBridge(fn); p && out.length <= 256; p = this.parents.get(ridOf(p.address))) out.push(p);
    return out;
  }

  /** Functions directly below a bridge (on its secondary bus, plus VFs on buses reserved for them). */
  childrenOf(bridge: PciFunctionSpec): readonly PciFunctionSpec[] {
    return this.children.get(this.require(bridge)) ?? [];
  }

  /** Every function below a bridge, depth first (its whole subtree, not the bridge itself). */
  devicesBelow(bridge: PciFunctionSpec): PciFunctionSpec[] {
    const out: PciFunctionSpec[] = [];
    const seen = new Set<Rid>(); // guards unvalidated input against cycles
    const walk = (rid: Rid): void => {
      for (const c of this.children.get(rid) ?? []) {
        const r = ridOf(c.address);
        if (seen.has(r)) continue;
        seen.add(r);
        out.push(c);
        walk(r);
      }
    };
    walk(this.require(bridge));
    return out;
  }

  /** The VFs of an SR-IOV PF, by VF index. */
  vfsOf(pf: PciFunctionSpec): readonly PciFunctionSpec[] {
    return this.vfLists.get(this.require(pf)) ?? [];
  }

  /** The PF of a VF. */
  physfnOf(vf: PciFunctionSpec): PciFunctionSpec | undefined {
    this.require(vf);
    return vf.physfn ? this.byRid.get(ridOf(vf.physfn)) : undefined;
  }

  /** Whether `fn`'s device has functions other than 0 (its header type has the multi-function bit). */
  isMultiFunction(fn: PciFunctionSpec): boolean {
    this.require(fn);
    if (fn.kind === "vf") return false;
    const base = ridOf({ ...fn.address, fn: 0 });
    for (let f = 0; f < 8; f++) {
      const other = this.byRid.get(base + f);
      if (other && base + f !== ridOf(fn.address) && other.kind !== "vf") return true;
    }
    return false;
  }

  /** Index of `fn` in `phb.functions`. */
  positionOf(fn: PciFunctionSpec): number {
    return this.positions.get(this.require(fn))!;
  }

  // The RID of `fn`, after checking that it is a function of this PHB.
  private require(fn: PciFunctionSpec): Rid {
    const rid = ridOf(fn.address);
    if (fn.address.domain !== this.phb.domain || !this.byRid.has(rid)) {
      throw new NotFoundError(`${formatPciAddress(fn.address)} is not a function of PHB#${this.phb.id}`, {
        address: formatPciAddress(fn.address),
      });
    }
    return rid;
  }
}

/** Lookups over a whole machine, keyed by PHB id or by PCI domain. */
export class TopologyIndex {
  private readonly byId = new Map<number, PhbIndex>();
  private readonly byDomain = new Map<number, PhbIndex>();

  constructor(readonly spec: MachineSpec) {
    spec.phbs.forEach((phb, i) => {
      const index = new PhbIndex(phb, i);
      this.byId.set(phb.id, index);
      this.byDomain.set(phb.domain, index);
    });
  }

  /** The PHB with OPAL id `id` (throws NotFoundError). */
  phb(id: number): PhbIndex {
    const p = this.byId.get(id);
    if (!p) throw new NotFoundError(`no PHB#${id}`, { phb: id });
    return p;
  }

  /** The PHB of PCI domain `domain`, if any. */
  phbByDomain(domain: number): PhbIndex | undefined {
    return this.byDomain.get(domain);
  }

  /** The function at `address`, if any. */
  functionAt(address: PciAddress): PciFunctionSpec | undefined {
    return this.byDomain.get(address.domain)?.functionByRid(ridOf(address));
  }

  /** The PhbIndex that holds `fn` (throws NotFoundError). */
  phbOf(fn: PciFunctionSpec): PhbIndex {
    const p = this.byDomain.get(fn.address.domain);
    if (!p) throw new NotFoundError(`no PHB for domain ${fn.address.domain.toString(16).padStart(4, "0")}`);
    return p;
  }

  /** JSON-path position of `fn`. */
  positionOf(fn: PciFunctionSpec): FunctionPosition {
    const p = this.phbOf(fn);
    return { phbIndex: p.phbIndex, functionIndex: p.positionOf(fn) };
  }

  /** Every function of the machine, PHB by PHB. */
  allFunctions(): PciFunctionSpec[] {
    return this.spec.phbs.flatMap((p) => p.functions);
  }
}

/** Build the lookups for `spec` (which should have passed validateMachine). */
export function indexTopology(spec: MachineSpec): TopologyIndex {
  return new TopologyIndex(spec);
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
