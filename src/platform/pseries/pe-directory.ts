// Which PE an RTAS PE handle names (pseries-rtas.md §4.3): the BUID selects the PHB, the
// config address a function on it, and the function's PE is the one the platform put it in
// (the PE plan it programmed into the RTT / PELT-M). Linux ≥ 5.10 passes the PE config
// address it got from ibm,get-config-addr-info2, older kernels the device's own config
// address; both name a function of the PE, so both are accepted (as QEMU does since 2021).
//
// PE config address (emulator choice, the spec leaves it to firmware): the config address
// of the PE's first function (lowest RID) — for a bus PE the first device on its bus, so the
// PE of bus 1 is 0x10000, the `PHB#0-PE#10000` Linux prints on pSeries (linux-eeh.md §1.4).
//
// Lookups cost O(1) per call; per-PHB tables are built on first use from the static layout.

import { addressFromRid, type PciAddress, type Rid } from "../../pci/address.js";
import type { PhbLayout } from "../../ioda/layout.js";
import type { Machine } from "../../ioda/machine.js";
import type { PePlan } from "../../ioda/pe/pe-plan.js";
import { buidFromWords, buidHi, buidLo, buidOfPhb, configAddrOfRid, isCell, ridOfConfigAddr } from "./config-address.js";
import { RTAS_PE_MODE_NOT_SHARED, RTAS_PE_MODE_SHARED } from "./rtas-constants.js";

/** A resolved PE handle. */
export interface PeTarget {
  readonly phbId: number;
  readonly pe: number;
  readonly layout: PhbLayout;
  readonly plan: PePlan;
  /** The function the config address named. */
  readonly rid: Rid;
  /** The PE config address (ibm,get-config-addr-info2 function 0). */
  readonly peConfigAddr: number;
  readonly buid: bigint;
}

/** The three words every EEH call starts with. */
export interface PeHandle {
  readonly configAddr: number;
  readonly buidHi: number;
  readonly buidLo: number;
}

interface PhbIndex {
  readonly byPe: ReadonlyMap<number, PePlan>;
  readonly children: ReadonlyMap<number, readonly number[]>;
}

export class PeDirectory {
  private readonly phbByBuid = new Map<bigint, number>();
  private readonly index = new Map<number, PhbIndex>();

  constructor(private readonly machine: Machine) {
    for (const id of machine.layout.phbs.keys()) this.phbByBuid.set(buidOfPhb(id), id);
  }

  /** The PHB a BUID names, if any. */
  phbOfBuid(hi: number, lo: number): number | undefined {
    if (!isCell(hi) || !isCell(lo)) return undefined;
    return this.phbByBuid.get(buidFromWords(hi, lo));
  }

  /** Resolve (config address, BUID high, BUID low); undefined when no PE answers to it. */
  resolve(configAddr: number, hi: number, lo: number): PeTarget | undefined {
    const phbId = this.phbOfBuid(hi, lo);
    if (phbId === undefined || !isCell(configAddr)) return undefined;
    const layout = this.machine.phbLayout(phbId);
    const rid = ridOfConfigAddr(configAddr);
    if (!layout.fnByRid.has(rid)) return undefined;
    const pe = layout.plan.peOfRid.get(rid);
    if (pe === undefined) return undefined;
    const plan = this.phb(phbId).byPe.get(pe);
    if (!plan) return undefined;
    return { phbId, pe, layout, plan, rid, peConfigAddr: peConfigAddress(plan), buid: buidOfPhb(phbId) };
  }

  /** The handle Linux holds for a function's PE (its PE config address and the PHB BUID). */
  handleOf(phbId: number, rid: Rid): PeHandle | undefined {
    const layout = this.machine.phbLayout(phbId);
    const pe = layout.plan.peOfRid.get(rid);
    const plan = pe === undefined ? undefined : this.phb(phbId).byPe.get(pe);
    if (!plan) return undefined;
    const buid = buidOfPhb(phbId);
    return { configAddr: peConfigAddress(plan), buidHi: buidHi(buid), buidLo: buidLo(buid) };
  }

  /** The PE and every PE below it in the Linux PE tree (pre-order), same PHB. */
  subtree(phbId: number, pe: number): number[] {
    const { children } = this.phb(phbId);
    const out: number[] = [];
    const stack = [pe];
    while (stack.length > 0) {
      const n = stack.pop()!;
      out.push(n);
      const kids = children.get(n) ?? [];
      for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
    }
    return out;
  }

  planOf(phbId: number, pe: number): PePlan | undefined {
    return this.phb(phbId).byPe.get(pe);
  }

  private phb(phbId: number): PhbIndex {
    let idx = this.index.get(phbId);
    if (!idx) {
      const plan = this.machine.phbLayout(phbId).plan;
      const byPe = new Map<number, PePlan>();
      const children = new Map<number, number[]>();
      for (const p of plan.pes) {
        byPe.set(p.pe, p);
        if (p.parent !== null) {
          if (!children.has(p.parent)) children.set(p.parent, []);
          children.get(p.parent)!.push(p.pe);
        }
      }
      idx = { byPe, children };
      this.index.set(phbId, idx);
    }
    return idx;
  }
}

/** The PE config address: the config address of the PE's lowest RID. */
export function peConfigAddress(plan: PePlan): number {
  const first = plan.rids.reduce((a, b) => Math.min(a, b), 0xffff);
  return configAddrOfRid(first);
}

/**
 * ibm,get-config-addr-info2 function 1. Emulator reading of PAPR's "shared" mode: a PE
 * holding more than one function is shared by them (a reset or freeze hits them all);
 * a PE of one function is not shared. (QEMU answers "shared" for every device, §6.2.)
 */
export function peSharingMode(plan: PePlan): number {
  return plan.rids.length > 1 ? RTAS_PE_MODE_SHARED : RTAS_PE_MODE_NOT_SHARED;
}

export function functionAddress(layout: PhbLayout, rid: Rid): PciAddress {
  return addressFromRid(layout.spec.domain, rid);
}
