// eeh-emu public library API.

// core
export { VirtualClock } from "./core/clock.js";
export * from "./core/errors.js";
export { ppcBit, ppcMask, field, getField, setField, type AccessSize, type BitField } from "./core/bits.js";

// PCI
export * from "./pci/address.js";
export * from "./pci/topology.js";
export { MachineBuilder } from "./pci/builder.js";
export { machineFromJson, machineToJson } from "./pci/topology-json.js";
export { validateMachine } from "./pci/validate.js";

// PHB models and the machine
export { Machine, TCE_PCI_READ, TCE_PCI_WRITE, type AccessOutcome, type FunctionRef, type DmaPermission } from "./ioda/machine.js";
export type { MachineState, PhbMachineState, FunctionState, HwEvent } from "./ioda/machine-state.js";
export {
  injectBadDma,
  injectMmioError,
  injectMmioUnassigned,
  injectLinkDown,
  injectPcieUe,
  injectFence,
  killPhb,
  freezePe,
  unfreezePe,
  armErrInject,
  disarmErrInject,
  clearPhbErrors,
  completeReset,
  resetBelow,
  restoreBars,
} from "./ioda/faults.js";
export { modelOf, modelForKind, peev, frozenPes, peFreezeState, type PhbState } from "./ioda/phb-engine.js";
export type { PhbModel, RidRange, ErrInjectRequest, ErrInjectResult } from "./ioda/phb-model.js";
export { ioda1Model, type Ioda1State } from "./ioda/ioda1/p7ioc.js";
export { ioda2Model, type Ioda2State } from "./ioda/ioda2/phb3.js";
export * from "./ioda/pest.js";
export * from "./ioda/pe/pe-flags.js";
export { peStateMark, peStateClear, peMarkIsolated, forEachPe, getPe, type EehPe, type PeTree, type PeRef } from "./ioda/pe/pe-tree.js";
export type { PePlan, PhbPlan } from "./ioda/pe/pe-plan.js";

// Log codecs (pure: they work on bytes and text from real machines)
export * as opal from "./log/opal/index.js";
export * as dmesg from "./log/dmesg/index.js";
export * as rtas from "./log/rtas/index.js";
export { decodeInput, INPUT_FORMATS, type Decoded, type InputFormat } from "./log/auto-decode.js";

// Platforms
export * from "./platform/eeh-ops.js";
export { OpalFirmware, type CapturedDiag, FIRST_FROZEN_PE_UNWRITTEN } from "./platform/powernv/opal.js";
export * as opalApi from "./platform/powernv/opal-api.js";
export { PnvEehOps } from "./platform/powernv/pnv-eeh-ops.js";
export { capturePhbDiag } from "./platform/powernv/diag-capture.js";
export * as pseries from "./platform/pseries/index.js";

// EEH core
export { EehCore, type EehCoreOptions, type RecoveryOutcome, type CollectedLog } from "./eeh/eeh-core.js";
export * from "./eeh/driver.js";
export { HostLog, DEFAULT_GUEST_LOG_LIMITS, type HostLogRecord, type GuestLogLimits } from "./eeh/host-log.js";
export { TokenBucket, type RateLimit } from "./core/ratelimit.js";
export * as interpret from "./log/interpret/index.js";

// VFIO EEH (guest-facing)
export * as vfio from "./vfio/index.js";

// PCIe AER and the other hypervisors' error paths
export * as aer from "./aer/index.js";
export * as aerLog from "./log/aer/index.js";
export * as hypervisor from "./hypervisor/index.js";

// Scenarios and the HTML report (docs/scenarios.md, docs/report.md).
export { loadScenario, validateScenario, runScenario, formatTimeline, runArtifacts, ScenarioError, scenarioSchema, TIMELINE_VERSION, PE_LANE_STATES } from "./scenario/index.js";
export type { Scenario, ScenarioAction, ScenarioExpectation, RunOptions, RunResult, Artifact, Timeline, TimelinePe, TimelineEvent, TimelineLine, TimelineLog, StateSegment, PeLaneState, ExpectationResult } from "./scenario/index.js";
export { renderReport, timelineFromJson, parseTimelineText, TimelineError } from "./report/index.js";
