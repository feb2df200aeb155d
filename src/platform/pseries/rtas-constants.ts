// RTAS EEH constants (pseries-rtas.md §4.3, §4.4, §4.5, §6.1). Names are QEMU's
// (include/hw/ppc/spapr.h) where QEMU defines the value, Linux's otherwise; values are the
// spec's. Each constant is defined here once.

// ---- status codes (§4.4, §6.1) ----

export const RTAS_OUT_SUCCESS = 0;
/** ibm,slot-error-detail: no error log to return. */
export const RTAS_OUT_NO_ERRORS_FOUND = 1;
export const RTAS_OUT_HW_ERROR = -1;
/** Busy, retry immediately (Linux waits 1 ms). */
export const RTAS_OUT_BUSY = -2;
export const RTAS_OUT_PARAM_ERROR = -3;
/** QEMU spells "not supported" with the parameter-error value. */
export const RTAS_OUT_NOT_SUPPORTED = -3;
/** ibm,open-errinjct: the facility is already open (powerpc-utils errinjct, §4.5). */
export const RTAS_OUT_ERRINJCT_ALREADY_OPEN = -4;
/** ibm,open-errinjct: "PCI Error Injection is not enabled" (§4.5). */
export const RTAS_OUT_ERRINJCT_NOT_ENABLED = -5;
/** Unexpected state change (EEH / slot reset). */
export const RTAS_OUT_UNEXPECTED_STATE_CHANGE = -7;
/** ibm,set-slot-reset: fundamental reset not supported; Linux retries with a hot reset (§4.3). */
export const RTAS_OUT_FRESET_NOT_SUPPORTED = -8;
export const RTAS_OUT_MULTI_LEVEL_ISOLATION_ERROR = -9000;
export const RTAS_OUT_NOT_AUTHORIZED = -9002;
/** Extended delay: retry after 10^(code − 9900) ms (§4.4). */
export const RTAS_EXTENDED_DELAY_MIN = 9900;
export const RTAS_EXTENDED_DELAY_MAX = 9905;

// ---- ibm,set-eeh-option (§4.3, §6.1) ----

export const RTAS_EEH_DISABLE = 0;
export const RTAS_EEH_ENABLE = 1;
export const RTAS_EEH_THAW_IO = 2;
export const RTAS_EEH_THAW_DMA = 3;
/** Linux EEH_OPT_FREEZE_PE: never sent by pSeries Linux; QEMU answers −3 (see PseriesOptions.freezeOption). */
export const EEH_OPT_FREEZE_PE = 4;

// ---- ibm,set-slot-reset (§4.3, §6.1) ----

export const RTAS_SLOT_RESET_DEACTIVATE = 0;
export const RTAS_SLOT_RESET_HOT = 1;
export const RTAS_SLOT_RESET_FUNDAMENTAL = 3;

// ---- ibm,read-slot-reset-state2 (§4.3, §6.1; linux-eeh.md §2.6, §5.4) ----

export const RTAS_EEH_PE_STATE_NORMAL = 0;
export const RTAS_EEH_PE_STATE_RESET = 1;
export const RTAS_EEH_PE_STATE_STOPPED_IO_DMA = 2;
export const RTAS_EEH_PE_STATE_STOPPED_DMA = 4;
export const RTAS_EEH_PE_STATE_UNAVAIL = 5;
export const RTAS_EEH_NOT_SUPPORT = 0;
export const RTAS_EEH_SUPPORT = 1;
/** QEMU's fixed wait hint (ms); here the delay word is the time actually left. */
export const RTAS_EEH_PE_UNAVAIL_INFO = 1000;
export const RTAS_EEH_PE_RECOVER_INFO = 0;

// ---- ibm,slot-error-detail (§4.3, §6.1) ----

export const RTAS_SLOT_TEMP_ERR_LOG = 1;
export const RTAS_SLOT_PERM_ERR_LOG = 2;

// ---- ibm,get-config-addr-info2 (§4.3, §6.1) ----

export const RTAS_GET_PE_ADDR = 0;
export const RTAS_GET_PE_MODE = 1;
export const RTAS_PE_MODE_NONE = 0;
export const RTAS_PE_MODE_NOT_SHARED = 1;
export const RTAS_PE_MODE_SHARED = 2;

// ---- error injection (§4.5): error-type tokens as numbered by the Dec-2025 Linux series ----

export const RTAS_ERR_TYPE_FATAL = 0x1;
export const RTAS_ERR_TYPE_RECOVERED_RANDOM_EVENT = 0x2;
export const RTAS_ERR_TYPE_RECOVERED_SPECIAL_EVENT = 0x3;
export const RTAS_ERR_TYPE_CORRUPTED_PAGE = 0x4;
export const RTAS_ERR_TYPE_CORRUPTED_SLB = 0x5;
export const RTAS_ERR_TYPE_TRANSLATOR_FAILURE = 0x6;
export const RTAS_ERR_TYPE_IOA_BUS_ERROR = 0x7;
export const RTAS_ERR_TYPE_PLATFORM_SPECIFIC = 0x8;
export const RTAS_ERR_TYPE_CORRUPTED_DCACHE_START = 0x9;
export const RTAS_ERR_TYPE_CORRUPTED_DCACHE_END = 0xa;
export const RTAS_ERR_TYPE_CORRUPTED_ICACHE_START = 0xb;
export const RTAS_ERR_TYPE_CORRUPTED_ICACHE_END = 0xc;
export const RTAS_ERR_TYPE_CORRUPTED_TLB_START = 0xd;
export const RTAS_ERR_TYPE_CORRUPTED_TLB_END = 0xe;
export const RTAS_ERR_TYPE_IOA_BUS_ERROR_64 = 0xf;
export const RTAS_ERR_TYPE_UPSTREAM_IO_ERROR = 0x10;

/** `/proc/device-tree/rtas/ibm,errinjct-tokens`: (name as powerpc-utils spells it, token). */
export const RTAS_ERRINJCT_TOKENS: ReadonlyArray<readonly [string, number]> = [
  ["fatal", RTAS_ERR_TYPE_FATAL],
  ["recovered-random-event", RTAS_ERR_TYPE_RECOVERED_RANDOM_EVENT],
  ["recovered-special-event", RTAS_ERR_TYPE_RECOVERED_SPECIAL_EVENT],
  ["corrupted-page", RTAS_ERR_TYPE_CORRUPTED_PAGE],
  ["corrupted-slb", RTAS_ERR_TYPE_CORRUPTED_SLB],
  ["translator-failure", RTAS_ERR_TYPE_TRANSLATOR_FAILURE],
  ["ioa-bus-error", RTAS_ERR_TYPE_IOA_BUS_ERROR],
  ["platform-specific", RTAS_ERR_TYPE_PLATFORM_SPECIFIC],
  ["corrupted-dcache-start", RTAS_ERR_TYPE_CORRUPTED_DCACHE_START],
  ["corrupted-dcache-end", RTAS_ERR_TYPE_CORRUPTED_DCACHE_END],
  ["corrupted-icache-start", RTAS_ERR_TYPE_CORRUPTED_ICACHE_START],
  ["corrupted-icache-end", RTAS_ERR_TYPE_CORRUPTED_ICACHE_END],
  ["corrupted-tlb-start", RTAS_ERR_TYPE_CORRUPTED_TLB_START],
  ["corrupted-tlb-end", RTAS_ERR_TYPE_CORRUPTED_TLB_END],
  ["ioa-bus-error-64", RTAS_ERR_TYPE_IOA_BUS_ERROR_64],
  ["upstream-IO-error", RTAS_ERR_TYPE_UPSTREAM_IO_ERROR],
];

/** The ibm,errinjct work area is 1 KiB (§4.5). */
export const RTAS_ERRINJCT_WORK_AREA_SIZE = 1024;

// ---- timing ----

/**
 * Shortest reset assertion firmware accepts before deasserting: the PCI spec's 100 ms
 * (linux-eeh.md §3.10; Linux itself holds 250 ms, EEH_PE_RST_HOLD_TIME). Emulator
 * assumption: the spec does not say what RTAS answers to an earlier deactivate; this
 * firmware answers an extended delay for the time left.
 */
export const RTAS_RESET_HOLD_MIN_MS = 100;
/**
 * Link training after a reset is deasserted: the PCI spec's 1.5 s (linux-eeh.md §3.10;
 * Linux sleeps 1800 ms, EEH_PE_RST_SETTLE_TIME). Until it elapses the PE reads as
 * temporarily unavailable (state 5 with the time left as the delay word) and
 * ibm,configure-pe answers an extended delay.
 */
export const RTAS_RESET_SETTLE_MS = 1500;

// ---- call names, argument and return counts (§4.3, §4.5) ----

export const RTAS_CALLS = {
  "ibm,set-eeh-option": { nargs: 4, nret: [1] },
  "ibm,set-slot-reset": { nargs: 4, nret: [1] },
  "ibm,read-slot-reset-state2": { nargs: 3, nret: [4, 5] },
  "ibm,slot-error-detail": { nargs: 8, nret: [1] },
  "ibm,get-config-addr-info2": { nargs: 4, nret: [2] },
  "ibm,configure-pe": { nargs: 3, nret: [1] },
  "ibm,configure-bridge": { nargs: 3, nret: [1] },
  "ibm,open-errinjct": { nargs: 0, nret: [2] },
  "ibm,errinjct": { nargs: 3, nret: [1] },
  "ibm,close-errinjct": { nargs: 1, nret: [1] },
} as const satisfies Record<string, { nargs: number; nret: readonly number[] }>;

export type RtasCallName = keyof typeof RTAS_CALLS;

/** QEMU's token base (§6.1). */
export const RTAS_TOKEN_BASE = 0x2000;

/**
 * The `/rtas` token properties. The six EEH calls QEMU registers and ibm,errinjct carry
 * QEMU's numbers (§6.1, §6.5); ibm,configure-bridge and the open/close calls have no
 * number in the spec and get the next free ones (emulator choice).
 */
export const RTAS_TOKENS: Readonly<Record<RtasCallName, number>> = {
  "ibm,set-eeh-option": RTAS_TOKEN_BASE + 0x20,
  "ibm,get-config-addr-info2": RTAS_TOKEN_BASE + 0x21,
  "ibm,read-slot-reset-state2": RTAS_TOKEN_BASE + 0x22,
  "ibm,set-slot-reset": RTAS_TOKEN_BASE + 0x23,
  "ibm,configure-pe": RTAS_TOKEN_BASE + 0x24,
  "ibm,slot-error-detail": RTAS_TOKEN_BASE + 0x25,
  "ibm,errinjct": RTAS_TOKEN_BASE + 0x2d,
  "ibm,open-errinjct": RTAS_TOKEN_BASE + 0x2e,
  "ibm,close-errinjct": RTAS_TOKEN_BASE + 0x2f,
  "ibm,configure-bridge": RTAS_TOKEN_BASE + 0x30,
};
