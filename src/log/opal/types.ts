// Typed PHB diag-data structures (powernv-opal.md §3). Field names are the C struct's
// (`struct OpalIoPhb3ErrorData` …); u32 fields are numbers, u64 fields bigints, PEST tables
// arrays of u64. The union is discriminated on the common header's `ioType`; `len` is not a
// field because it is fixed by the type (§3.1) and checked on decode.

import type {
  OPAL_PHB_ERROR_DATA_TYPE_P7IOC,
  OPAL_PHB_ERROR_DATA_TYPE_PHB3,
  OPAL_PHB_ERROR_DATA_TYPE_PHB4,
} from "./constants.js";

/** struct OpalIoPhbErrorCommon minus `len`. */
interface CommonHeader {
  readonly version: number;
}

/** Root-port config-space words (read through ASB so they survive a fence), all three models. */
interface RootPortWords {
  readonly brdgCtl: number;
  readonly deviceStatus: number;
  readonly slotStatus: number;
  readonly linkStatus: number;
  readonly devCmdStatus: number;
  readonly devSecStatus: number;
  readonly rootErrorStatus: number;
  readonly uncorrErrorStatus: number;
  readonly corrErrorStatus: number;
  readonly tlpHdr1: number;
  readonly tlpHdr2: number;
  readonly tlpHdr3: number;
  readonly tlpHdr4: number;
  readonly sourceId: number;
}

/** UTL status words and the IODA1/IODA2-only words around them (P7IOC and PHB3). */
interface UtlWords {
  readonly portStatusReg: number;
  readonly rootCmplxStatus: number;
  readonly busAgentStatus: number;
  readonly rsv3: number;
  readonly errorClass: bigint;
  readonly correlator: bigint;
}

interface NestFir {
  readonly nFir: bigint;
  readonly nFirMask: bigint;
  readonly nFirWOF: bigint;
}

interface Lem {
  readonly lemFir: bigint;
  readonly lemErrorMask: bigint;
  readonly lemWOF: bigint;
}

/** The four error-status groups of P7IOC/PHB3 (status, first, log0, log1 each). */
interface Ioda12ErrorGroups {
  readonly phbErrorStatus: bigint;
  readonly phbFirstErrorStatus: bigint;
  readonly phbErrorLog0: bigint;
  readonly phbErrorLog1: bigint;
  readonly mmioErrorStatus: bigint;
  readonly mmioFirstErrorStatus: bigint;
  readonly mmioErrorLog0: bigint;
  readonly mmioErrorLog1: bigint;
  readonly dma0ErrorStatus: bigint;
  readonly dma0FirstErrorStatus: bigint;
  readonly dma0ErrorLog0: bigint;
  readonly dma0ErrorLog1: bigint;
  readonly dma1ErrorStatus: bigint;
  readonly dma1FirstErrorStatus: bigint;
  readonly dma1ErrorLog0: bigint;
  readonly dma1ErrorLog1: bigint;
}

interface PestTables {
  /** PESTA[i], one word per PE (length = OPAL_*_NUM_PEST_REGS). */
  readonly pestA: readonly bigint[];
  /** PESTB[i]. */
  readonly pestB: readonly bigint[];
}

/** struct OpalIoP7IOCPhbErrorData — 2320 bytes (§3.3). */
export interface P7iocPhbDiagData extends CommonHeader, RootPortWords, UtlWords, Lem, Ioda12ErrorGroups, PestTables {
  readonly ioType: typeof OPAL_PHB_ERROR_DATA_TYPE_P7IOC;
  readonly p7iocPlssr: bigint;
  readonly p7iocCsr: bigint;
}

/** struct OpalIoPhb3ErrorData — 4392 bytes (§3.2). */
export interface Phb3PhbDiagData extends CommonHeader, RootPortWords, UtlWords, NestFir, Lem, Ioda12ErrorGroups, PestTables {
  readonly ioType: typeof OPAL_PHB_ERROR_DATA_TYPE_PHB3;
  readonly phbPlssr: bigint;
  readonly phbCsr: bigint;
}

/** struct OpalIoPhb4ErrorData — 8576 bytes (§3.4). No UTL words, no rsv3/errorClass/correlator. */
export interface Phb4PhbDiagData extends CommonHeader, RootPortWords, NestFir, Lem, PestTables {
  readonly ioType: typeof OPAL_PHB_ERROR_DATA_TYPE_PHB4;
  readonly phbPlssr: bigint;
  readonly phbCsr: bigint;
  readonly phbErrorStatus: bigint;
  readonly phbFirstErrorStatus: bigint;
  readonly phbErrorLog0: bigint;
  readonly phbErrorLog1: bigint;
  readonly phbTxeErrorStatus: bigint;
  readonly phbTxeFirstErrorStatus: bigint;
  readonly phbTxeErrorLog0: bigint;
  readonly phbTxeErrorLog1: bigint;
  readonly phbRxeArbErrorStatus: bigint;
  readonly phbRxeArbFirstErrorStatus: bigint;
  readonly phbRxeArbErrorLog0: bigint;
  readonly phbRxeArbErrorLog1: bigint;
  readonly phbRxeMrgErrorStatus: bigint;
  readonly phbRxeMrgFirstErrorStatus: bigint;
  readonly phbRxeMrgErrorLog0: bigint;
  readonly phbRxeMrgErrorLog1: bigint;
  readonly phbRxeTceErrorStatus: bigint;
  readonly phbRxeTceFirstErrorStatus: bigint;
  readonly phbRxeTceErrorLog0: bigint;
  readonly phbRxeTceErrorLog1: bigint;
  readonly phbPblErrorStatus: bigint;
  readonly phbPblFirstErrorStatus: bigint;
  readonly phbPblErrorLog0: bigint;
  readonly phbPblErrorLog1: bigint;
  readonly phbPcieDlpErrorLog1: bigint;
  readonly phbPcieDlpErrorLog2: bigint;
  readonly phbPcieDlpErrorStatus: bigint;
  readonly phbRegbErrorStatus: bigint;
  readonly phbRegbFirstErrorStatus: bigint;
  readonly phbRegbErrorLog0: bigint;
  readonly phbRegbErrorLog1: bigint;
}

export type PhbDiagData = P7iocPhbDiagData | Phb3PhbDiagData | Phb4PhbDiagData;

type KeysOfType<T, V> = { [K in keyof T]-?: T[K] extends V ? K : never }[keyof T];

/** Names of the u32 fields of T that live in the body (the header's version/ioType excluded). */
export type U32FieldName<T> = Exclude<KeysOfType<T, number>, "ioType" | "version">;
/** Names of the u64 fields of T. */
export type U64FieldName<T> = KeysOfType<T, bigint>;

/** Every scalar field any model has, with its type: what a printed dump can show. */
export type PhbDiagScalars = {
  readonly [K in U32FieldName<P7iocPhbDiagData> | U32FieldName<Phb3PhbDiagData> | U32FieldName<Phb4PhbDiagData>]: number;
} & {
  readonly [K in U64FieldName<P7iocPhbDiagData> | U64FieldName<Phb3PhbDiagData> | U64FieldName<Phb4PhbDiagData>]: bigint;
};

export type PhbDiagScalarName = keyof PhbDiagScalars;
