// PCIe AER on a host that handles it natively (aer-xen.md §1–§4): the devices' AER register
// behaviour, Linux's root-port driver and pcie_do_recovery with AER's own merge rule, the
// printed lines (log/aer), the sysfs counters, and aer-inject (input language, struct,
// kernel side). On PowerNV the same errors go to EEH instead (§3.1).

export { AerHost, createAerHost, AER_MAX_MULTI_ERR_DEVICES, AER_ERROR_SOURCES_MAX, AER_ERR_STATUS_MASK, PCI_EXP_AER_FLAGS, ROOT_PORT_INTR_ON_MESG_MASK } from "./aer-host.js";
export type { AerHostOptions, AerDevice, AerErrSource, AerStep, AerEvent, AerTraceEvent, AerErrInfo } from "./aer-host.js";
export { aerSignalUncorrectable, aerSignalCorrectable, aerSignalLinkDown, type AerSignal } from "./registers.js";
export { scriptedAerDriver, hasErrorDetected, callbackLabel, type AerDriver, type ScriptedAerAnswers, type MaybePromise } from "./driver.js";
export { aerMergeResult, AER_MERGE, AER_MERGE_ORDER, setIoState, aerUevent } from "./merge.js";
export { pcieDoRecovery, aerRootReset, pciBusErrorReset, PCI_SBR_ASSERT_MS, PCI_RESET_SETTLE_MS, PCIE_LINK_WAIT_MS, type RecoveryResult } from "./recovery.js";
export { newAerStats, countDeviceError, renderAerSysfs, type AerStats, type AerSysfsFile } from "./stats.js";
export { AerRatelimit, DEFAULT_RATELIMIT_BURST, DEFAULT_RATELIMIT_INTERVAL_MS, type AerRatelimitConfig } from "./ratelimit.js";
export { walkBus, walkBridge, upstreamBridge } from "./pci-walk.js";
export { savePciState, restorePciState, type SavedPciState } from "./pci-state.js";
export { parseAerInject, parseCNumber, AerInjectSyntaxError, AER_INJECT_MAX_INPUT, type AerInjection } from "./inject-parse.js";
export { encodeAerErrorInj, decodeAerErrorInj, injFromInjection, AER_ERROR_INJ_SIZE, AER_ERROR_INJ_MIN_SIZE, type AerErrorInj } from "./inject-struct.js";
export { aerInject, aerInjectAll, type AerInjectOptions, type AerInjectResult } from "./inject-kernel.js";
