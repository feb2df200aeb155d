// The register lines of Linux' PHB diag dump as a table (powernv-opal.md §4.2, §4.3;
// pnv_pci_dump_{p7ioc,phb3,phb4}_diag_data): for each model, in print order, the label,
// the fields printed, and the gate — the fields Linux tests before printing the line. The
// printer and the parser both walk this table, so they cannot disagree about a line.

import { phbDiagLayout } from "../opal/layout.js";
import { PHB_DIAG_IOTYPE_OF, type PhbDiagModel } from "../opal/constants.js";
import type { PhbDiagScalarName } from "../opal/types.js";

export interface DiagLineSpec {
  readonly label: string;
  /** Fields in print order; u32 print as %08x, u64 as %016llx. */
  readonly fields: readonly PhbDiagScalarName[];
  /** The line is printed when any of these is non-zero (only these are tested). */
  readonly gate: readonly PhbDiagScalarName[];
}

export interface DiagPrintModel {
  readonly model: PhbDiagModel;
  /** Labels are padded (label + colon + spaces) to this column: 13, PHB4 12. */
  readonly labelWidth: number;
  readonly lines: readonly DiagLineSpec[];
}

const all = (...fields: PhbDiagScalarName[]): DiagLineSpec["gate"] => fields;

/** P7IOC and PHB3 differ only in the PhbSts field names and PHB3's nFir line (§4.2). */
function ioda12Lines(plssr: PhbDiagScalarName, csr: PhbDiagScalarName, nFir: boolean): DiagLineSpec[] {
  const errGroup = (label: string, p: "phb" | "mmio" | "dma0" | "dma1"): DiagLineSpec => {
    const status = `${p}ErrorStatus` as PhbDiagScalarName;
    return { label, fields: [status, `${p}FirstErrorStatus`, `${p}ErrorLog0`, `${p}ErrorLog1`] as PhbDiagScalarName[], gate: [status] };
  };
  const rootErrLog1: PhbDiagScalarName[] = ["sourceId", "errorClass", "correlator"];
  return [
    { label: "brdgCtl", fields: ["brdgCtl"], gate: ["brdgCtl"] },
    { label: "UtlSts", fields: all("portStatusReg", "rootCmplxStatus", "busAgentStatus"), gate: all("portStatusReg", "rootCmplxStatus", "busAgentStatus") },
    ...rootLines(),
    { label: "RootErrLog1", fields: rootErrLog1, gate: rootErrLog1 },
    ...(nFir ? [nFirLine()] : []),
    { label: "PhbSts", fields: [plssr, csr], gate: [plssr, csr] },
    lemLine(),
    errGroup("PhbErr", "phb"),
    errGroup("OutErr", "mmio"),
    errGroup("InAErr", "dma0"),
    errGroup("InBErr", "dma1"),
  ];
}

function rootLines(): DiagLineSpec[] {
  const rootSts: PhbDiagScalarName[] = ["deviceStatus", "slotStatus", "linkStatus", "devCmdStatus", "devSecStatus"];
  const rootErrSts: PhbDiagScalarName[] = ["rootErrorStatus", "uncorrErrorStatus", "corrErrorStatus"];
  const rootErrLog: PhbDiagScalarName[] = ["tlpHdr1", "tlpHdr2", "tlpHdr3", "tlpHdr4"];
  return [
    { label: "RootSts", fields: rootSts, gate: rootSts },
    { label: "RootErrSts", fields: rootErrSts, gate: rootErrSts },
    { label: "RootErrLog", fields: rootErrLog, gate: rootErrLog },
  ];
}

function nFirLine(): DiagLineSpec {
  return { label: "nFir", fields: ["nFir", "nFirMask", "nFirWOF"], gate: ["nFir"] };
}

function lemLine(): DiagLineSpec {
  // Only lemFir is tested: a non-zero mask/WOF alone prints nothing (§4.2 line 9).
  return { label: "Lem", fields: ["lemFir", "lemErrorMask", "lemWOF"], gate: ["lemFir"] };
}

/** PHB4 (§4.3), in the order of the kernel's pnv_pci_dump_phb4_diag_data: PcieDlp sits
 *  between PblErr and RegbErr there (the spec lists it last; the source order wins). */
function phb4Lines(): DiagLineSpec[] {
  const group = (label: string, p: string): DiagLineSpec => {
    const status = `phb${p}ErrorStatus` as PhbDiagScalarName;
    return { label, fields: [status, `phb${p}FirstErrorStatus`, `phb${p}ErrorLog0`, `phb${p}ErrorLog1`] as PhbDiagScalarName[], gate: [status] };
  };
  return [
    { label: "brdgCtl", fields: ["brdgCtl"], gate: ["brdgCtl"] },
    ...rootLines(),
    { label: "sourceId", fields: ["sourceId"], gate: ["sourceId"] },
    nFirLine(),
    { label: "PhbSts", fields: ["phbPlssr", "phbCsr"], gate: ["phbPlssr", "phbCsr"] },
    lemLine(),
    { label: "PhbErr", fields: ["phbErrorStatus", "phbFirstErrorStatus", "phbErrorLog0", "phbErrorLog1"], gate: ["phbErrorStatus"] },
    group("PhbTxeErr", "Txe"),
    group("RxeArbErr", "RxeArb"),
    group("RxeMrgErr", "RxeMrg"),
    group("RxeTceErr", "RxeTce"),
    group("PblErr", "Pbl"),
    { label: "PcieDlp", fields: ["phbPcieDlpErrorLog1", "phbPcieDlpErrorLog2", "phbPcieDlpErrorStatus"], gate: ["phbPcieDlpErrorStatus"] },
    group("RegbErr", "Regb"),
  ];
}

export const DIAG_PRINT_MODELS: Readonly<Record<PhbDiagModel, DiagPrintModel>> = {
  P7IOC: { model: "P7IOC", labelWidth: 13, lines: ioda12Lines("p7iocPlssr", "p7iocCsr", false) },
  PHB3: { model: "PHB3", labelWidth: 13, lines: ioda12Lines("phbPlssr", "phbCsr", true) },
  PHB4: { model: "PHB4", labelWidth: 12, lines: phb4Lines() },
};

const WIDTHS: Readonly<Record<PhbDiagModel, ReadonlyMap<string, 8 | 16>>> = {
  P7IOC: widthsOf("P7IOC"),
  PHB3: widthsOf("PHB3"),
  PHB4: widthsOf("PHB4"),
};

function widthsOf(model: PhbDiagModel): Map<string, 8 | 16> {
  const m = new Map<string, 8 | 16>();
  for (const e of phbDiagLayout(PHB_DIAG_IOTYPE_OF[model]).entries) {
    if (e.kind === "u32") m.set(e.name, 8);
    else if (e.kind === "u64") m.set(e.name, 16);
  }
  return m;
}

/** Hex digits a field prints with in `model` (8 for u32, 16 for u64). */
export function fieldWidth(model: PhbDiagModel, name: PhbDiagScalarName): 8 | 16 {
  const w = WIDTHS[model].get(name);
  if (w === undefined) throw new Error(`internal: ${model} has no field ${name}`);
  return w;
}

/** The line spec for `label` in `model`, and its position in print order. */
export function findDiagLine(model: PhbDiagModel, label: string): { spec: DiagLineSpec; index: number } | undefined {
  const lines = DIAG_PRINT_MODELS[model].lines;
  const index = lines.findIndex((l) => l.label === label);
  const spec = lines[index];
  return spec ? { spec, index } : undefined;
}
