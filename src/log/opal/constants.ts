// Diag-data constants of OPAL_PCI_GET_PHB_DIAG_DATA2 blobs, with their spec names and values
// (powernv-opal.md §2.2 "Diag data", sizes from §3.2–§3.4).

export const OPAL_PHB_ERROR_DATA_VERSION_1 = 1;

export const OPAL_PHB_ERROR_DATA_TYPE_P7IOC = 1;
export const OPAL_PHB_ERROR_DATA_TYPE_PHB3 = 2;
export const OPAL_PHB_ERROR_DATA_TYPE_PHB4 = 3;

export const OPAL_P7IOC_NUM_PEST_REGS = 128;
export const OPAL_PHB3_NUM_PEST_REGS = 256;
export const OPAL_PHB4_NUM_PEST_REGS = 512;

/** sizeof(struct OpalIoPhbErrorCommon): version, ioType, len (§3.1). */
export const OPAL_PHB_ERROR_COMMON_SIZE = 12;
/** sizeof(struct OpalIoP7IOCPhbErrorData) = 0x910 (§3.3). */
export const OPAL_P7IOC_PHB_ERROR_DATA_SIZE = 2320;
/** sizeof(struct OpalIoPhb3ErrorData) = 0x1128 (§3.2). */
export const OPAL_PHB3_ERROR_DATA_SIZE = 4392;
/** sizeof(struct OpalIoPhb4ErrorData) = 0x2180 (§3.4). */
export const OPAL_PHB4_ERROR_DATA_SIZE = 8576;

/**
 * Linux's "stopped" test on a PEST word (PNV_IODA_STOPPED_STATE, IBM bit 0): PESTA bit 0 is
 * MMIO frozen, PESTB bit 0 DMA stopped; the dump prints an entry only when one is set (§4.4).
 */
export const PNV_IODA_STOPPED_STATE = 0x8000000000000000n;

export type PhbDiagIoType =
  | typeof OPAL_PHB_ERROR_DATA_TYPE_P7IOC
  | typeof OPAL_PHB_ERROR_DATA_TYPE_PHB3
  | typeof OPAL_PHB_ERROR_DATA_TYPE_PHB4;

/** The model name Linux prints at the start of the dump header (§4.2, §4.3). */
export type PhbDiagModel = "P7IOC" | "PHB3" | "PHB4";

export const PHB_DIAG_MODEL_OF: Readonly<Record<PhbDiagIoType, PhbDiagModel>> = {
  [OPAL_PHB_ERROR_DATA_TYPE_P7IOC]: "P7IOC",
  [OPAL_PHB_ERROR_DATA_TYPE_PHB3]: "PHB3",
  [OPAL_PHB_ERROR_DATA_TYPE_PHB4]: "PHB4",
};

export const PHB_DIAG_IOTYPE_OF: Readonly<Record<PhbDiagModel, PhbDiagIoType>> = {
  P7IOC: OPAL_PHB_ERROR_DATA_TYPE_P7IOC,
  PHB3: OPAL_PHB_ERROR_DATA_TYPE_PHB3,
  PHB4: OPAL_PHB_ERROR_DATA_TYPE_PHB4,
};

export function isPhbDiagIoType(n: number): n is PhbDiagIoType {
  return n === OPAL_PHB_ERROR_DATA_TYPE_P7IOC || n === OPAL_PHB_ERROR_DATA_TYPE_PHB3 || n === OPAL_PHB_ERROR_DATA_TYPE_PHB4;
}
