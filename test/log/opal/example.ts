// The composed PHB3 example of powernv-opal.md §4.8 as a structure, shared by the codec and
// the dmesg tests.

import { zeroPhbDiag, type Phb3PhbDiagData } from "../../../src/log/opal/index.js";

export function section48Example(): Phb3PhbDiagData {
  const base = zeroPhbDiag(2);
  const pestA = [...base.pestA];
  const pestB = [...base.pestB];
  pestA[0xfd] = 0xa440002901000000n;
  pestB[0xfd] = 0x8000000000000000n;
  return {
    ...base,
    brdgCtl: 0x00000002,
    deviceStatus: 0x0008000f,
    slotStatus: 0x00400000,
    linkStatus: 0x30830008,
    devCmdStatus: 0x00100147,
    devSecStatus: 0x00002000,
    phbPlssr: 0x0000001c00000000n,
    phbCsr: 0x0000001c00000000n,
    lemFir: 0x0000000000400000n,
    lemErrorMask: 0n,
    lemWOF: 0x0000000000400000n,
    mmioErrorStatus: 0x0000020000000000n,
    mmioFirstErrorStatus: 0x0000020000000000n,
    mmioErrorLog0: 0x0000300000000000n,
    mmioErrorLog1: 0n,
    pestA,
    pestB,
  };
}

export const SECTION_48_DUMP = [
  "PHB3 PHB#0 Diag-data (Version: 1)",
  "brdgCtl:     00000002",
  "RootSts:     0008000f 00400000 30830008 00100147 00002000",
  "PhbSts:      0000001c00000000 0000001c00000000",
  "Lem:         0000000000400000 0000000000000000 0000000000400000",
  "OutErr:      0000020000000000 0000020000000000 0000300000000000 0000000000000000",
  "PE[0fd] A/B: a440002901000000 8000000000000000",
];
