// pSeries platform: RTAS EEH calls over the emulated PHB models and the opaque RTAS error
// logs firmware returns (pseries-rtas.md §3, §4, §6).

export * from "./rtas-constants.js";
export { PseriesPlatform, PSERIES_ERRINJCT_FUNCS } from "./pseries-platform.js";
export type { ConfigAddrInfo2Result, OpenErrinjctResult, PseriesOptions, ReadSlotResetState2Result, SlotErrorDetailResult } from "./pseries-platform.js";
export { rtasCall, rtasCallName } from "./rtas-call.js";
export type { RtasCallResult } from "./rtas-call.js";
export { PSERIES_BUID_BASE, buidFromWords, buidHi, buidLo, buidOfPhb, configAddrOfRid, ridOfConfigAddr, rtasConfigAddr } from "./config-address.js";
export { PeDirectory, peConfigAddress, peSharingMode } from "./pe-directory.js";
export type { PeHandle, PeTarget } from "./pe-directory.js";
export { extendedDelayMs, extendedDelayStatus } from "./extended-delay.js";
export { slotState, stateOfFreeze } from "./slot-state.js";
export type { SlotCondition, SlotState } from "./slot-state.js";
export { resetScopeOf } from "./reset-scope.js";
export type { ResetScope } from "./reset-scope.js";
export { EEH_ERR_TYPE_32, EEH_ERR_TYPE_64, decodeIoaBusErrorWorkArea, encodeIoaBusErrorWorkArea, ioaBusErrorToken } from "./errinjct-work-area.js";
export type { IoaBusError } from "./errinjct-work-area.js";
export { PlatformLogStore, kernelLogLength } from "./platform-log-store.js";
export type { PlatformLogEntry } from "./platform-log-store.js";
export { DEFAULT_PE_STATE, EMPTY_PHB_STATE } from "./firmware-state.js";
export type { ErrinjctState, GlobalFirmwareState, PeFirmwareState, PhbFirmwareState, ResetAssertion } from "./firmware-state.js";
export type { EehCapture } from "./error-capture.js";
export { PseriesEehOps, eehStateOfRtas, PSERIES_CONFIGURE_BRIDGE_BUDGET_MS, PSERIES_CONFIGURE_BRIDGE_MAX_DELAY_MS } from "./pseries-eeh-ops.js";
export { armMmioInjection } from "./errinjct-arm.js";
export type { ArmResult, MmioInjection } from "./errinjct-arm.js";
