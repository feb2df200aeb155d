// What OPAL_PCI_GET_PHB_DIAG_DATA2 fills in, read from the PHB model's real state the way
// skiboot's phb3_read_phb_status / p7ioc_read_phb_status do (powernv-opal.md §3.2, §3.3):
// root-port config words (through ASB, so they survive a fence), UTL status, PBCQ NFIR
// (PHB3), PLSSR/CSR, the LEM, the four error-status groups and the PEST tables.
// A dead P7IOC reads all ones everywhere (XSCOM returns all-ones).

import { configRead, type ConfigSpace } from "../../pci/config-space.js";
import { aerCapOffset } from "../../pci/aer-capability.js";
import {
  PCI_BRIDGE_CONTROL,
  PCI_COMMAND,
  PCI_EXP_DEVCTL,
  PCI_EXP_LNKCTL,
  PCI_EXP_SLTCTL,
  PCI_SEC_STATUS,
  PCI_ERR_COR_STATUS,
  PCI_ERR_HEADER_LOG,
  PCI_ERR_ROOT_ERR_SRC,
  PCI_ERR_ROOT_STATUS,
  PCI_ERR_UNCOR_STATUS,
} from "../../pci/regs.js";
import { PCI_EXP_CAP_BASE } from "../../pci/config-space.js";
import type { PhbMachineState } from "../../ioda/machine-state.js";
import type { Ioda1State } from "../../ioda/ioda1/p7ioc.js";
import type { Ioda2State } from "../../ioda/ioda2/phb3.js";
import { OPAL_PHB_ERROR_DATA_VERSION_1, OPAL_PHB_ERROR_DATA_TYPE_P7IOC, OPAL_PHB_ERROR_DATA_TYPE_PHB3 } from "../../log/opal/constants.js";
import type { P7iocPhbDiagData, Phb3PhbDiagData, PhbDiagData } from "../../log/opal/types.js";

const ONES32 = 0xffffffff;
const ONES64 = 0xffffffffffffffffn;

function rootPortWords(root: ConfigSpace | undefined) {
  if (!root) {
    return { brdgCtl: 0, deviceStatus: 0, slotStatus: 0, linkStatus: 0, devCmdStatus: 0, devSecStatus: 0, rootErrorStatus: 0, uncorrErrorStatus: 0, corrErrorStatus: 0, tlpHdr1: 0, tlpHdr2: 0, tlpHdr3: 0, tlpHdr4: 0, sourceId: 0 };
  }
  const r = (off: number, size: 1 | 2 | 4) => configRead(root, off, size) >>> 0;
  const aer = aerCapOffset(root);
  const a = (off: number) => (aer ? r(aer + off, 4) : 0);
  return {
    brdgCtl: r(PCI_BRIDGE_CONTROL, 2),
    deviceStatus: r(PCI_EXP_CAP_BASE + PCI_EXP_DEVCTL, 4),
    slotStatus: r(PCI_EXP_CAP_BASE + PCI_EXP_SLTCTL, 4),
    linkStatus: r(PCI_EXP_CAP_BASE + PCI_EXP_LNKCTL, 4),
    devCmdStatus: r(PCI_COMMAND, 4),
    devSecStatus: r(PCI_SEC_STATUS, 2),
    rootErrorStatus: a(PCI_ERR_ROOT_STATUS),
    uncorrErrorStatus: a(PCI_ERR_UNCOR_STATUS),
    corrErrorStatus: a(PCI_ERR_COR_STATUS),
    tlpHdr1: a(PCI_ERR_HEADER_LOG),
    tlpHdr2: a(PCI_ERR_HEADER_LOG + 4),
    tlpHdr3: a(PCI_ERR_HEADER_LOG + 8),
    tlpHdr4: a(PCI_ERR_HEADER_LOG + 12),
    sourceId: a(PCI_ERR_ROOT_ERR_SRC),
  };
}

function commonWords(p: PhbMachineState) {
  const hw = p.hw;
  const g = hw.regs.groups;
  return {
    version: OPAL_PHB_ERROR_DATA_VERSION_1,
    ...rootPortWords(p.functions[0]?.config),
    // The diag blob keeps the high 32 bits of the UTL status registers (§3.2).
    portStatusReg: Number(hw.regs.utlPortStatus >> 32n),
    rootCmplxStatus: Number(hw.regs.utlRcStatus >> 32n),
    busAgentStatus: Number(hw.regs.utlBusAgentStatus >> 32n),
    rsv3: 0,
    errorClass: 0n, // never filled by skiboot
    correlator: 0n,
    lemFir: hw.regs.lemFir,
    lemErrorMask: hw.regs.lemErrorMask,
    lemWOF: hw.regs.lemWof,
    phbErrorStatus: g.phb.status,
    phbFirstErrorStatus: g.phb.first,
    phbErrorLog0: g.phb.log0,
    phbErrorLog1: g.phb.log1,
    mmioErrorStatus: g.out.status,
    mmioFirstErrorStatus: g.out.first,
    mmioErrorLog0: g.out.log0,
    mmioErrorLog1: g.out.log1,
    dma0ErrorStatus: g.ina.status,
    dma0FirstErrorStatus: g.ina.first,
    dma0ErrorLog0: g.ina.log0,
    dma0ErrorLog1: g.ina.log1,
    dma1ErrorStatus: g.inb.status,
    dma1FirstErrorStatus: g.inb.first,
    dma1ErrorLog0: g.inb.log0,
    dma1ErrorLog1: g.inb.log1,
    pestA: [...hw.pestA],
    pestB: [...hw.pestB],
  };
}

/** The diag blob structure of a PHB, as firmware would fill it now. */
export function capturePhbDiag(p: PhbMachineState): PhbDiagData {
  if (p.hw.model === "ioda2") {
    const hw = p.hw as Ioda2State;
    const d: Phb3PhbDiagData = {
      ioType: OPAL_PHB_ERROR_DATA_TYPE_PHB3,
      ...commonWords(p),
      nFir: hw.nfir,
      nFirMask: hw.nfirMask,
      nFirWOF: hw.nfirWof,
      phbPlssr: hw.regs.plssr,
      phbCsr: hw.regs.csr,
    };
    return d;
  }
  const hw = p.hw as Ioda1State;
  if (hw.broken) return deadP7ioc();
  const d: P7iocPhbDiagData = {
    ioType: OPAL_PHB_ERROR_DATA_TYPE_P7IOC,
    ...commonWords(p),
    p7iocPlssr: hw.regs.plssr,
    p7iocCsr: hw.regs.csr,
  };
  return d;
}

function deadP7ioc(): P7iocPhbDiagData {
  const words = Object.fromEntries(
    ["brdgCtl", "deviceStatus", "slotStatus", "linkStatus", "devCmdStatus", "devSecStatus", "rootErrorStatus", "uncorrErrorStatus", "corrErrorStatus", "tlpHdr1", "tlpHdr2", "tlpHdr3", "tlpHdr4", "sourceId", "portStatusReg", "rootCmplxStatus", "busAgentStatus"].map((k) => [k, ONES32]),
  );
  const longs = Object.fromEntries(
    ["lemFir", "lemErrorMask", "lemWOF", "phbErrorStatus", "phbFirstErrorStatus", "phbErrorLog0", "phbErrorLog1", "mmioErrorStatus", "mmioFirstErrorStatus", "mmioErrorLog0", "mmioErrorLog1", "dma0ErrorStatus", "dma0FirstErrorStatus", "dma0ErrorLog0", "dma0ErrorLog1", "dma1ErrorStatus", "dma1FirstErrorStatus", "dma1ErrorLog0", "dma1ErrorLog1", "p7iocPlssr", "p7iocCsr"].map((k) => [k, ONES64]),
  );
  return {
    ioType: OPAL_PHB_ERROR_DATA_TYPE_P7IOC,
    version: OPAL_PHB_ERROR_DATA_VERSION_1,
    rsv3: 0,
    errorClass: 0n,
    correlator: 0n,
    ...words,
    ...longs,
    pestA: new Array<bigint>(128).fill(ONES64),
    pestB: new Array<bigint>(128).fill(ONES64),
  } as unknown as P7iocPhbDiagData;
}
