// The hardware state of one PHB, in the shapes the hardware holds it (STYLE.md, QEMU
// pnv_phb3): PEST A/B words, the LEM and the four error-status groups, the PAPR injection
// registers, plus each model's own routing tables (ioda1/state.ts, ioda2/state.ts).
// Everything here is plain data inside the immer state tree.

import type { ErrGroup } from "./error-sources.js";
import type { PhbModelKind } from "../pci/topology.js";

export interface ErrGroupRegs {
  status: bigint;
  first: bigint;
  log0: bigint;
  log1: bigint;
}

export interface PhbRegs {
  lemFir: bigint;
  lemErrorMask: bigint;
  lemWof: bigint;
  /** PHB_CPU_LOADSTORE_STATUS (0x120) and PHB_DMA_CHAN_STATUS (0x110). */
  plssr: bigint;
  csr: bigint;
  /** UTL port / root-complex / bus-agent status (the diag blob keeps their high 32 bits). */
  utlPortStatus: bigint;
  utlRcStatus: bigint;
  utlBusAgentStatus: bigint;
  groups: Record<ErrGroup, ErrGroupRegs>;
  /** PHB_PAPR_ERR_INJ_CTL / _ADDR / _MASK (0x2b0 / 0x2b8 / 0x2c0), powernv-opal §5.1. */
  injCtl: bigint;
  injAddr: bigint;
  injMask: bigint;
}

export interface PhbCommonState {
  readonly model: PhbModelKind;
  readonly id: number;
  readonly domain: number;
  /** Position in the machine: selects the PHB's CPU-address aperture (address-map.ts). */
  readonly slot: number;
  pestA: bigint[];
  pestB: bigint[];
  regs: PhbRegs;
  /** skiboot `p->broken`: the PHB is dead and answers nothing. */
  broken: boolean;
}

export function emptyRegs(): PhbRegs {
  const g = (): ErrGroupRegs => ({ status: 0n, first: 0n, log0: 0n, log1: 0n });
  return {
    lemFir: 0n,
    lemErrorMask: 0n,
    lemWof: 0n,
    plssr: 0n,
    csr: 0n,
    utlPortStatus: 0n,
    utlRcStatus: 0n,
    utlBusAgentStatus: 0n,
    groups: { phb: g(), out: g(), ina: g(), inb: g() },
    injCtl: 0n,
    injAddr: 0n,
    injMask: 0n,
  };
}
