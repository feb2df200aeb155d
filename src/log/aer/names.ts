// The names Linux prints for AER error bits, severities, layers and agents (aer-xen.md §1.1,
// §1.2, §1.3, §2.2, §7), and the layer/agent classification of §1.3. Pure tables: the
// printer, the parser and the AER core all read them, so a name is spelled once.

import {
  PCI_ERR_COR_BAD_DLLP,
  PCI_ERR_COR_BAD_TLP,
  PCI_ERR_COR_RCVR,
  PCI_ERR_COR_REP_ROLL,
  PCI_ERR_COR_REP_TIMER,
  PCI_ERR_UNC_COMP_ABORT,
  PCI_ERR_UNC_COMP_TIME,
  PCI_ERR_UNC_DLP,
  PCI_ERR_UNC_ECRC,
  PCI_ERR_UNC_FCP,
  PCI_ERR_UNC_MALF_TLP,
  PCI_ERR_UNC_POISON_TLP,
  PCI_ERR_UNC_RX_OVER,
  PCI_ERR_UNC_UND,
  PCI_ERR_UNC_UNSUP,
  PCI_ERR_UNC_UNX_COMP,
} from "../../pci/regs.js";

/** The three AER severities (kernel enum: AER_NONFATAL 0, AER_FATAL 1, AER_CORRECTABLE 2). */
export type AerSeverity = "correctable" | "nonfatal" | "fatal";
export const AER_SEVERITIES: readonly AerSeverity[] = ["correctable", "nonfatal", "fatal"];

/** Kernel enum values, as in the `ras:aer_event` trace record (§7). */
export const AER_NONFATAL = 0;
export const AER_FATAL = 1;
export const AER_CORRECTABLE = 2;
export const AER_SEVERITY_CODE: Readonly<Record<AerSeverity, number>> = { nonfatal: AER_NONFATAL, fatal: AER_FATAL, correctable: AER_CORRECTABLE };

/**
 * Which generation of the AER printout (§2.2): "legacy" = (A) 3.x–4.18 `aerdrv_errprint.c`
 * (ids as `%04x`, long bit names), "v4.19" = (B) 4.19–6.15 (source as a BDF, short names),
 * "mainline" = (C) the 6.16 rework (renamed severities, "error message received from",
 * 0x-prefixed TLP dwords, per-device ratelimiting).
 */
export type AerLogFormat = "legacy" | "v4.19" | "mainline";
export const AER_LOG_FORMATS: readonly AerLogFormat[] = ["legacy", "v4.19", "mainline"];

/** Severity strings: (A)/(B) "Corrected"/"Uncorrected (…)", (C) "Correctable"/"Uncorrectable (…)". */
export const AER_SEVERITY_STRINGS: Readonly<Record<"old" | "new", Readonly<Record<AerSeverity, string>>>> = {
  old: { correctable: "Corrected", nonfatal: "Uncorrected (Non-Fatal)", fatal: "Uncorrected (Fatal)" },
  new: { correctable: "Correctable", nonfatal: "Uncorrectable (Non-Fatal)", fatal: "Uncorrectable (Fatal)" },
};

export function severityString(severity: AerSeverity, format: AerLogFormat): string {
  return AER_SEVERITY_STRINGS[format === "mainline" ? "new" : "old"][severity];
}

/** The severity a printed string names (any generation), or undefined. */
export function severityFromString(text: string): AerSeverity | undefined {
  for (const table of Object.values(AER_SEVERITY_STRINGS)) {
    for (const s of AER_SEVERITIES) if (table[s] === text) return s;
  }
  return undefined;
}

export type AerLayer = "Physical Layer" | "Data Link Layer" | "Transaction Layer";
export const AER_LAYERS: readonly AerLayer[] = ["Physical Layer", "Data Link Layer", "Transaction Layer"];
export type AerAgent = "Receiver ID" | "Requester ID" | "Completer ID" | "Transmitter ID";
export const AER_AGENTS: readonly AerAgent[] = ["Receiver ID", "Requester ID", "Completer ID", "Transmitter ID"];

/** §1.3 layer, computed from the raw status (not status & ~mask). */
export function aerLayer(severity: AerSeverity, status: number): AerLayer {
  if (severity === "correctable") {
    if (status & PCI_ERR_COR_RCVR) return "Physical Layer";
    if (status & (PCI_ERR_COR_BAD_TLP | PCI_ERR_COR_BAD_DLLP | PCI_ERR_COR_REP_ROLL | PCI_ERR_COR_REP_TIMER)) return "Data Link Layer";
    return "Transaction Layer";
  }
  // There is no Physical Layer UE: Surprise Down prints as Transaction Layer.
  return status & PCI_ERR_UNC_DLP ? "Data Link Layer" : "Transaction Layer";
}

/** §1.3 agent, computed from the raw status. */
export function aerAgent(severity: AerSeverity, status: number): AerAgent {
  if (severity === "correctable") return status & (PCI_ERR_COR_REP_ROLL | PCI_ERR_COR_REP_TIMER) ? "Transmitter ID" : "Receiver ID";
  if (status & PCI_ERR_UNC_COMP_ABORT) return "Completer ID";
  if (status & (PCI_ERR_UNC_COMP_TIME | PCI_ERR_UNC_UNSUP)) return "Requester ID";
  return "Receiver ID";
}

// ---------------------------------------------------------------------------------------
// Bit names. Index = bit position. `undefined` = the kernel array has NULL there, printed
// as "Unknown Error Bit".
// ---------------------------------------------------------------------------------------

/** Kernel array sizes (per-bit sysfs counters, §1.2). */
export const AER_MAX_TYPEOF_COR_ERRS = 16;
export const AER_MAX_TYPEOF_UNCOR_ERRS = 27;

export const AER_UNKNOWN_ERROR_BIT = "Unknown Error Bit";

function table(size: number, entries: Record<number, string>): readonly (string | undefined)[] {
  return Array.from({ length: size }, (_, i) => entries[i]);
}

/** `aer_uncorrectable_error_string[]`, 5.x..6.x (§1.1 "Kernel name"). */
export const AER_UNCOR_NAMES = table(AER_MAX_TYPEOF_UNCOR_ERRS, {
  0: "Undefined",
  4: "DLP",
  5: "SDES",
  12: "TLP",
  13: "FCP",
  14: "CmpltTO",
  15: "CmpltAbrt",
  16: "UnxCmplt",
  17: "RxOF",
  18: "MalfTLP",
  19: "ECRC",
  20: "UnsupReq",
  21: "ACSViol",
  22: "UncorrIntErr",
  23: "BlockedTLP",
  24: "AtomicOpBlocked",
  25: "TLPBlockedErr",
  26: "PoisonTLPBlocked",
});

/** 3.x/4.x `aerdrv_errprint.c` names (§1.1 "Old name"). */
export const AER_UNCOR_NAMES_OLD = table(AER_MAX_TYPEOF_UNCOR_ERRS, {
  4: "Data Link Protocol",
  12: "Poisoned TLP",
  13: "Flow Control Protocol",
  14: "Completion Timeout",
  15: "Completer Abort",
  16: "Unexpected Completion",
  17: "Receiver Overflow",
  18: "Malformed TLP",
  19: "ECRC",
  20: "Unsupported Request",
});

/** `aer_correctable_error_string[]` (§1.2 "Kernel name"). */
export const AER_COR_NAMES = table(AER_MAX_TYPEOF_COR_ERRS, {
  0: "RxErr",
  6: "BadTLP",
  7: "BadDLLP",
  8: "Rollover",
  12: "Timeout",
  13: "NonFatalErr",
  14: "CorrIntErr",
  15: "HeaderOF",
});

/** §1.2 "Old name". */
export const AER_COR_NAMES_OLD = table(AER_MAX_TYPEOF_COR_ERRS, {
  0: "Receiver Error",
  6: "Bad TLP",
  7: "Bad DLLP",
  8: "RELAY_NUM Rollover",
  12: "Replay Timer Timeout",
  13: "Advisory Non-Fatal",
});

/** The trace event's flag names (§7, a third naming scheme), for the `ras:aer_event` line. */
export const AER_TRACE_UNCOR_NAMES = table(32, {
  0: "Undefined",
  4: "Data Link Protocol Error",
  5: "Surprise Down Error",
  12: "Poisoned TLP",
  13: "Flow Control Protocol Error",
  14: "Completion Timeout",
  15: "Completer Abort",
  16: "Unexpected Completion",
  17: "Receiver Overflow",
  18: "Malformed TLP",
  19: "ECRC Error",
  20: "Unsupported Request Error",
  21: "ACS Violation",
  22: "Uncorrectable Internal Error",
  23: "MC Blocked TLP",
  24: "AtomicOp Egress Blocked",
  25: "TLP Prefix Blocked Error",
});
export const AER_TRACE_COR_NAMES = table(32, {
  0: "Receiver Error",
  6: "Bad TLP",
  7: "Bad DLLP",
  8: "RELAY_NUM Rollover",
  12: "Replay Timer Timeout",
  13: "Advisory Non-Fatal Error",
  14: "Corrected Internal Error",
  15: "Header Log Overflow",
});

/** The name `__aer_print_error` prints for bit `bit` of a CE or UE status in a generation. */
export function aerBitName(severity: AerSeverity, bit: number, format: AerLogFormat): string {
  const names = severity === "correctable" ? (format === "legacy" ? AER_COR_NAMES_OLD : AER_COR_NAMES) : format === "legacy" ? AER_UNCOR_NAMES_OLD : AER_UNCOR_NAMES;
  return names[bit] ?? AER_UNKNOWN_ERROR_BIT;
}

/** Every bit name any generation prints → its bit index, per kind (for the parser). */
export function bitOfName(severity: AerSeverity, name: string): number | undefined {
  const tables = severity === "correctable" ? [AER_COR_NAMES, AER_COR_NAMES_OLD] : [AER_UNCOR_NAMES, AER_UNCOR_NAMES_OLD];
  for (const t of tables) {
    const i = t.indexOf(name);
    if (i >= 0) return i;
  }
  return undefined;
}

/** Set bit positions of a 32-bit word, low to high (the kernel's for_each_set_bit). */
export function setBits(word: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < 32; i++) if ((word >>> i) & 1) out.push(i);
  return out;
}

// ---------------------------------------------------------------------------------------
// aer-inject's symbols (§4.1): a fourth naming scheme, for the same PCI_ERR_* masks.
// ---------------------------------------------------------------------------------------

/** Symbols of COR_STATUS (the tool's set; values are the PCI_ERR_COR_* masks). */
export const AER_INJECT_COR_SYMBOLS: Readonly<Record<string, number>> = {
  RCVR: PCI_ERR_COR_RCVR,
  BAD_TLP: PCI_ERR_COR_BAD_TLP,
  BAD_DLLP: PCI_ERR_COR_BAD_DLLP,
  REP_ROLL: PCI_ERR_COR_REP_ROLL,
  REP_TIMER: PCI_ERR_COR_REP_TIMER,
};

/** Symbols of UNCOR_STATUS (`TRAIN` = bit 0). */
export const AER_INJECT_UNCOR_SYMBOLS: Readonly<Record<string, number>> = {
  TRAIN: PCI_ERR_UNC_UND,
  DLP: PCI_ERR_UNC_DLP,
  POISON_TLP: PCI_ERR_UNC_POISON_TLP,
  FCP: PCI_ERR_UNC_FCP,
  COMP_TIME: PCI_ERR_UNC_COMP_TIME,
  COMP_ABORT: PCI_ERR_UNC_COMP_ABORT,
  UNX_COMP: PCI_ERR_UNC_UNX_COMP,
  RX_OVER: PCI_ERR_UNC_RX_OVER,
  MALF_TLP: PCI_ERR_UNC_MALF_TLP,
  ECRC: PCI_ERR_UNC_ECRC,
  UNSUP: PCI_ERR_UNC_UNSUP,
};

