// The other ways a PCIe error reaches a guest, beside EEH (aer-xen.md §5, §6; seeds 001, 002):
// Xen pciback/pcifront forwarding, QEMU vfio-pci, and a comparison of one fault under each
// model including EEH on PowerNV. The native AER core these run on (aer/) is handed in
// (host-kernel.ts): `compareModels(input, { nativeAer: createAerHost })`.

export * as xen from "./xen/index.js";
export * as qemu from "./qemu/index.js";
export type { ErrorHandlers, HostPciCore, NativeAerCore, NativeAerFactory, NativeAerOptions, RecoveryRecord, MaybePromise } from "./host-kernel.js";
export {
  compareModels,
  defaultCompareMachine,
  recordingDriver,
  scriptedGuestDriver,
  HYPERVISOR_MODELS,
  type HypervisorModel,
  type CompareFault,
  type CompareInput,
  type CompareKit,
  type GuestDriver,
  type GuestDriverAnswers,
  type ComparisonReport,
  type ModelReport,
  type GuestObservation,
} from "./compare.js";
export { compareInputFromJson, parseCompareArgs, parseAnswers, parseResultName, CompareInputError, DEFAULT_GUEST_DRIVER, type CompareArgs } from "./compare-input.js";
export { formatComparison, wrapText } from "./compare-format.js";
