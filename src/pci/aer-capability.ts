// What a PCIe function's hardware does to its own registers when it detects an error, and
// what a root port does when an error message reaches it (aer-xen.md §1; PCIe base spec
// §6.2 error logging). These are the device side of AER: the status bits that Linux' AER
// driver, EEH's config dump and a guest later read. Who receives the message (the root
// port, the PHB freezing a PE) is decided by the hardware model above this layer.

import { ArgumentError } from "../core/errors.js";
import type { Rid } from "./address.js";
import { ConfigSpace, PCI_EXP_CAP_BASE, configRead, findExtCapability, pcieType, withHardwareWrites } from "./config-space.js";
import * as R from "./regs.js";

/** How an uncorrectable error is signalled: by its severity bit, or not at all when masked. */
export type UncorrectableSeverity = "fatal" | "nonfatal" | "masked";
export type CorrectableSeverity = "correctable" | "masked";

export interface UncorrectableRecord {
  readonly cs: ConfigSpace;
  /** "masked": the status bit is set but no ERR_FATAL/ERR_NONFATAL message is sent. */
  readonly severity: UncorrectableSeverity;
}

export interface CorrectableRecord {
  readonly cs: ConfigSpace;
  /** "masked": the status bit is set but no ERR_COR message is sent. */
  readonly severity: CorrectableSeverity;
}

/** Offset of the AER capability, or 0 when the function has none. */
export function aerCapOffset(cs: ConfigSpace): number {
  return findExtCapability(cs, R.PCI_EXT_CAP_ID_ERR);
}

/** Bit index (0..31) of a single-bit mask, or -1. */
function bitIndex(mask: number): number {
  if (!Number.isInteger(mask) || mask <= 0 || mask > 0xffffffff) return -1;
  const i = Math.log2(mask);
  return Number.isInteger(i) ? i : -1;
}

function checkBit(bit: number, defined: number, what: string): number {
  const i = bitIndex(bit);
  if (i < 0 || ((defined >>> i) & 1) === 0) {
    throw new ArgumentError(`${what} 0x${Number.isFinite(bit) ? (bit >>> 0).toString(16) : bit} is not one defined error bit`, {
      bit,
    });
  }
  return i;
}

/**
 * The function detects uncorrectable error `bit` (one PCI_ERR_UNC_* mask). As the PCIe
 * spec has it:
 * - PCI_ERR_UNCOR_STATUS gets the bit, masked or not;
 * - PCI_EXP_DEVSTA gets Fatal or Non-Fatal Error Detected by the severity register (and
 *   Unsupported Request Detected for UNSUP), regardless of the mask;
 * - if unmasked and the header log is free (the status bit the First Error Pointer names is
 *   clear), the First Error Pointer takes this bit and the header log takes `tlpHeader` for
 *   the header-logging errors (`AER_LOG_TLP_MASKS`, aer-xen.md §1.3), zeros otherwise.
 * A function without AER has only Device Status; its severity is the spec default
 * (PCI_ERR_UNC_SEVERITY_DEFAULT) and it cannot mask.
 */
export function aerRecordUncorrectable(cs: ConfigSpace, bit: number, tlpHeader?: readonly number[]): UncorrectableRecord {
  const index = checkBit(bit, R.PCI_ERR_UNC_DEFINED, "uncorrectable error");
  const header = checkHeader(tlpHeader);
  const aer = aerCapOffset(cs);
  const devsta = PCI_EXP_CAP_BASE + R.PCI_EXP_DEVSTA;
  const ur = bit === R.PCI_ERR_UNC_UNSUP ? R.PCI_EXP_DEVSTA_URD : 0;
  if (aer === 0) {
    const fatal = (R.PCI_ERR_UNC_SEVERITY_DEFAULT & bit) !== 0;
    const next = withHardwareWrites(cs, (r) => r.set(devsta, 2, (fatal ? R.PCI_EXP_DEVSTA_FED : R.PCI_EXP_DEVSTA_NFED) | ur));
    return { cs: next, severity: fatal ? "fatal" : "nonfatal" };
  }
  const status = configRead(cs, aer + R.PCI_ERR_UNCOR_STATUS, 4);
  const masked = (configRead(cs, aer + R.PCI_ERR_UNCOR_MASK, 4) & bit) !== 0;
  const fatal = (configRead(cs, aer + R.PCI_ERR_UNCOR_SEVER, 4) & bit) !== 0;
  const cap = configRead(cs, aer + R.PCI_ERR_CAP, 4);
  const logBusy = ((status >>> R.PCI_ERR_CAP_FEP(cap)) & 1) === 1;
  const next = withHardwareWrites(cs, (r) => {
    r.set(aer + R.PCI_ERR_UNCOR_STATUS, 4, bit);
    r.set(devsta, 2, (fatal ? R.PCI_EXP_DEVSTA_FED : R.PCI_EXP_DEVSTA_NFED) | ur);
    if (!masked && !logBusy) {
      r.write(aer + R.PCI_ERR_CAP, 4, ((cap & ~R.PCI_ERR_CAP_FEP_MASK) | index) >>> 0);
      const logs = (bit & R.AER_LOG_TLP_MASKS) !== 0;
      for (let i = 0; i < 4; i++) r.write(aer + R.PCI_ERR_HEADER_LOG + 4 * i, 4, logs ? (header[i] ?? 0) : 0);
    }
  });
  return { cs: next, severity: masked ? "masked" : fatal ? "fatal" : "nonfatal" };
}

function checkHeader(tlpHeader: readonly number[] | undefined): readonly number[] {
  if (tlpHeader === undefined) return [];
  if (tlpHeader.length > 4 || tlpHeader.some((d) => !Number.isInteger(d) || d < 0 || d > 0xffffffff)) {
    throw new ArgumentError("a TLP header log is at most 4 unsigned 32-bit dwords", { tlpHeader });
  }
  return tlpHeader;
}

/**
 * The function detects correctable error `bit` (one PCI_ERR_COR_* mask): PCI_ERR_COR_STATUS
 * gets the bit and PCI_EXP_DEVSTA Correctable Error Detected, both regardless of the mask;
 * "masked" means no ERR_COR message.
 */
export function aerRecordCorrectable(cs: ConfigSpace, bit: number): CorrectableRecord {
  checkBit(bit, R.PCI_ERR_COR_DEFINED, "correctable error");
  const aer = aerCapOffset(cs);
  const devsta = PCI_EXP_CAP_BASE + R.PCI_EXP_DEVSTA;
  const masked = aer !== 0 && (configRead(cs, aer + R.PCI_ERR_COR_MASK, 4) & bit) !== 0;
  const next = withHardwareWrites(cs, (r) => {
    if (aer !== 0) r.set(aer + R.PCI_ERR_COR_STATUS, 4, bit);
    r.set(devsta, 2, R.PCI_EXP_DEVSTA_CED);
  });
  return { cs: next, severity: masked ? "masked" : "correctable" };
}

export type ErrorMessageKind = "fatal" | "nonfatal" | "correctable";

export interface RootErrorMessage {
  /** ERR_FATAL, ERR_NONFATAL or ERR_COR. */
  readonly kind: ErrorMessageKind;
  /** Requester ID of the function that sent the message (or of the root port itself). */
  readonly sourceRid: Rid;
}

export interface RootRecord {
  readonly cs: ConfigSpace;
  /** Whether PCI_ERR_ROOT_COMMAND enables an interrupt for this kind of message. */
  readonly interrupt: boolean;
}

/**
 * A root port receives an error message (or detects an error itself). PCI_ERR_ROOT_STATUS:
 * the first ERR_COR sets COR_RCV and latches the source in PCI_ERR_ROOT_ERR_SRC[15:0], a
 * further one while COR_RCV is still set only sets MULTI_COR_RCV; likewise the first
 * ERR_FATAL/NONFATAL sets UNCOR_RCV, latches the source in [31:16] and sets FIRST_FATAL if it
 * was fatal, a further one sets MULTI_UNCOR_RCV; every fatal/non-fatal message sets
 * FATAL_RCV/NONFATAL_RCV. Throws ArgumentError on a function that is not a root port with AER.
 */
export function aerRootRecord(cs: ConfigSpace, message: RootErrorMessage): RootRecord {
  const aer = aerCapOffset(cs);
  if (aer === 0 || pcieType(cs) !== R.PCI_EXP_TYPE_ROOT_PORT) {
    throw new ArgumentError("root error registers exist only on a root port with AER");
  }
  const rid = message.sourceRid;
  if (!Number.isInteger(rid) || rid < 0 || rid > 0xffff) {
    throw new ArgumentError(`source RID ${rid} outside 0..0xffff`, { sourceRid: rid });
  }
  const statusAt = aer + R.PCI_ERR_ROOT_STATUS;
  const srcAt = aer + R.PCI_ERR_ROOT_ERR_SRC;
  const command = configRead(cs, aer + R.PCI_ERR_ROOT_COMMAND, 4);
  let enable: number;
  const next = withHardwareWrites(cs, (r) => {
    const status = r.read(statusAt, 4);
    const src = r.read(srcAt, 4);
    if (message.kind === "correctable") {
      enable = R.PCI_ERR_ROOT_CMD_COR_EN;
      if (status & R.PCI_ERR_ROOT_COR_RCV) {
        r.set(statusAt, 4, R.PCI_ERR_ROOT_MULTI_COR_RCV);
      } else {
        r.set(statusAt, 4, R.PCI_ERR_ROOT_COR_RCV);
        r.write(srcAt, 4, ((src & 0xffff0000) | rid) >>> 0);
      }
      return;
    }
    const fatal = message.kind === "fatal";
    enable = fatal ? R.PCI_ERR_ROOT_CMD_FATAL_EN : R.PCI_ERR_ROOT_CMD_NONFATAL_EN;
    if (status & R.PCI_ERR_ROOT_UNCOR_RCV) {
      r.set(statusAt, 4, R.PCI_ERR_ROOT_MULTI_UNCOR_RCV);
    } else {
      r.set(statusAt, 4, R.PCI_ERR_ROOT_UNCOR_RCV | (fatal ? R.PCI_ERR_ROOT_FIRST_FATAL : 0));
      r.write(srcAt, 4, ((rid << 16) | (src & 0xffff)) >>> 0);
    }
    r.set(statusAt, 4, fatal ? R.PCI_ERR_ROOT_FATAL_RCV : R.PCI_ERR_ROOT_NONFATAL_RCV);
  });
  return { cs: next, interrupt: (command & enable!) !== 0 };
}

/** The AER registers of a function, decoded; root fields only on root ports. */
export interface AerRegisters {
  readonly offset: number;
  readonly uncorStatus: number;
  readonly uncorMask: number;
  readonly uncorSeverity: number;
  readonly corStatus: number;
  readonly corMask: number;
  readonly cap: number;
  readonly firstErrorPointer: number;
  readonly headerLog: readonly [number, number, number, number];
  readonly root?: {
    readonly command: number;
    readonly status: number;
    readonly errorSource: number;
  };
}

/** Read the AER capability, or undefined when the function has none. */
export function readAer(cs: ConfigSpace): AerRegisters | undefined {
  const a = aerCapOffset(cs);
  if (a === 0) return undefined;
  const rd = (off: number): number => configRead(cs, a + off, 4);
  const cap = rd(R.PCI_ERR_CAP);
  const regs: AerRegisters = {
    offset: a,
    uncorStatus: rd(R.PCI_ERR_UNCOR_STATUS),
    uncorMask: rd(R.PCI_ERR_UNCOR_MASK),
    uncorSeverity: rd(R.PCI_ERR_UNCOR_SEVER),
    corStatus: rd(R.PCI_ERR_COR_STATUS),
    corMask: rd(R.PCI_ERR_COR_MASK),
    cap,
    firstErrorPointer: R.PCI_ERR_CAP_FEP(cap),
    headerLog: [
      rd(R.PCI_ERR_HEADER_LOG),
      rd(R.PCI_ERR_HEADER_LOG + 4),
      rd(R.PCI_ERR_HEADER_LOG + 8),
      rd(R.PCI_ERR_HEADER_LOG + 12),
    ],
  };
  if (pcieType(cs) !== R.PCI_EXP_TYPE_ROOT_PORT) return regs;
  return {
    ...regs,
    root: { command: rd(R.PCI_ERR_ROOT_COMMAND), status: rd(R.PCI_ERR_ROOT_STATUS), errorSource: rd(R.PCI_ERR_ROOT_ERR_SRC) },
  };
}
