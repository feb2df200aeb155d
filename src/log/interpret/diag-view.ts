// One view over the three diag-data models, so the rules never ask which model they have
// except where the spec itself differs (PEST bits, FIR classes). It groups the registers
// whose bits the spec does not name by the path they belong to:
//
//   outbound — MMIO/config towards devices: P7IOC/PHB3 outbound (OutErr), PHB4 TXE
//   inbound  — DMA/MSI from devices: inbound A/B (InAErr/InBErr), PHB4 RXE_ARB/MRG/TCE
//   pcie     — the PCIe side of the PHB: UTL status words (P7IOC/PHB3), PHB4 PCIe DLP
//   phb      — PHB-internal: the PHB error group (PhbErr), PHB4 PBL and REGB
//
// (§3.2–§3.4 give the registers; TXE is the transmit/outbound side, RXE the receive side.)

import { ppcBit } from "../../core/bits.js";
import type { PhbDiagModel } from "../opal/constants.js";
import { PHB_DIAG_MODEL_OF } from "../opal/constants.js";
import type { PhbDiagData, PhbDiagScalarName } from "../opal/types.js";
import {
  P7IOC_LEM_CLASSES,
  PHB3_LEM_CLASSES,
  PHB3_NFIR_CLASSES,
  PHB4_LEM_CLASSES,
  PHB4_NFIR_CLASSES,
  type FirClassTable,
} from "./fir-classes.js";

export type ErrorPath = "outbound" | "inbound" | "pcie" | "phb";

export interface ErrorGroup {
  /** Short name for summaries: the Linux dump label where there is one. */
  readonly label: string;
  readonly path: ErrorPath;
  /** The words whose set bits are errors: status (and first-error status). Logs are not. */
  readonly registers: readonly PhbDiagScalarName[];
  /**
   * PHB3 only: skiboot's init AIB_FENCE_ENABLE for the group (§6.3) — a set bit in it
   * fenced the PHB rather than froze a PE, so it is evidence of the fence.
   */
  readonly fenceEnable?: bigint;
  /** Bits of this group the spec names (IBM bit → name). */
  readonly named?: ReadonlyMap<number, string>;
}

export interface FirView {
  readonly fir: PhbDiagScalarName;
  readonly mask: PhbDiagScalarName;
  readonly wof: PhbDiagScalarName;
  readonly classes: FirClassTable;
  /** Name of the FIR in summaries. */
  readonly label: string;
}

export interface DiagView {
  readonly d: PhbDiagData;
  readonly model: PhbDiagModel;
  readonly pestCount: number;
  readonly plssr: PhbDiagScalarName;
  readonly csr: PhbDiagScalarName;
  readonly nfir: FirView | undefined;
  readonly lem: FirView;
  readonly groups: readonly ErrorGroup[];
  /** Any scalar field as a bigint (0 for a field the model does not have). */
  value(name: PhbDiagScalarName): bigint;
}

/** PLSSR / CSR bit 29 ANY_FREEZE (§3.2, phb3-regs.h). */
export const PHB_STATUS_ANY_FREEZE = ppcBit(29);

const PAPR_TXE_INJECTION = "PAPR TXE Injection Error Triggered";
const PAPR_INBOUND_INJECTION = "PAPR Inbound Injection Error Triggered";

function statusPair(prefix: string): PhbDiagScalarName[] {
  return [`${prefix}ErrorStatus`, `${prefix}FirstErrorStatus`] as PhbDiagScalarName[];
}

function ioda12Groups(model: "P7IOC" | "PHB3"): ErrorGroup[] {
  // §6.3 AIB_FENCE_ENABLE init values are given for PHB3 only.
  const fence = model === "PHB3";
  return [
    { label: "PhbErr", path: "phb", registers: statusPair("phb"), ...(fence ? { fenceEnable: 0xffffffdd0c00ffc0n } : {}) },
    { label: "OutErr", path: "outbound", registers: statusPair("mmio"), ...(fence ? { fenceEnable: 0x9cf3bc00f89c700fn } : {}) },
    { label: "InAErr", path: "inbound", registers: statusPair("dma0"), ...(fence ? { fenceEnable: 0x3fff5452fe019fden } : {}) },
    { label: "InBErr", path: "inbound", registers: statusPair("dma1"), ...(fence ? { fenceEnable: 0xfcff80fbff7ff08cn } : {}) },
    { label: "UtlSts", path: "pcie", registers: ["portStatusReg", "rootCmplxStatus", "busAgentStatus"] },
  ];
}

function phb4Groups(): ErrorGroup[] {
  return [
    { label: "PhbErr", path: "phb", registers: statusPair("phb") },
    {
      label: "PhbTxeErr",
      path: "outbound",
      registers: statusPair("phbTxe"),
      named: new Map([
        [28, PAPR_TXE_INJECTION],
        [30, PAPR_TXE_INJECTION],
      ]),
    },
    { label: "RxeArbErr", path: "inbound", registers: statusPair("phbRxeArb"), named: new Map([[39, PAPR_INBOUND_INJECTION]]) },
    { label: "RxeMrgErr", path: "inbound", registers: statusPair("phbRxeMrg") },
    { label: "RxeTceErr", path: "inbound", registers: statusPair("phbRxeTce") },
    { label: "PblErr", path: "phb", registers: statusPair("phbPbl") },
    { label: "PcieDlp", path: "pcie", registers: ["phbPcieDlpErrorStatus"] },
    { label: "RegbErr", path: "phb", registers: statusPair("phbRegb") },
  ];
}

const LEM = { fir: "lemFir", mask: "lemErrorMask", wof: "lemWOF", label: "LEM" } as const;
const NFIR = { fir: "nFir", mask: "nFirMask", wof: "nFirWOF", label: "NFIR" } as const;

export function diagView(d: PhbDiagData): DiagView {
  const model = PHB_DIAG_MODEL_OF[d.ioType];
  const fields = d as unknown as Record<string, number | bigint | undefined>;
  const value = (name: PhbDiagScalarName): bigint => {
    const v = fields[name];
    return v === undefined ? 0n : BigInt(v);
  };
  const common = { d, model, pestCount: d.pestA.length, value };
  switch (model) {
    case "P7IOC":
      return { ...common, plssr: "p7iocPlssr", csr: "p7iocCsr", nfir: undefined, lem: { ...LEM, classes: P7IOC_LEM_CLASSES }, groups: ioda12Groups("P7IOC") };
    case "PHB3":
      return { ...common, plssr: "phbPlssr", csr: "phbCsr", nfir: { ...NFIR, classes: PHB3_NFIR_CLASSES }, lem: { ...LEM, classes: PHB3_LEM_CLASSES }, groups: ioda12Groups("PHB3") };
    case "PHB4":
      return { ...common, plssr: "phbPlssr", csr: "phbCsr", nfir: { ...NFIR, classes: PHB4_NFIR_CLASSES }, lem: { ...LEM, classes: PHB4_LEM_CLASSES }, groups: phb4Groups() };
  }
}
