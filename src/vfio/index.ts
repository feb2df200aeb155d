// VFIO EEH ops (linux-eeh.md §5, §6; pseries-rtas.md §6): IOMMU groups and containers
// over the EEH core, the ownership hand-off, VFIO_CHECK_EXTENSION / VFIO_EEH_PE_OP with
// the op table of §5.3, platform-log forwarding, rate-limited guest-caused host lines,
// the guest's recovery flow, and QEMU's sPAPR RTAS → VFIO mapping.

export * from "./vfio-uapi.js";
export { EBADF, EBUSY, EFAULT, ENOTTY, EOPNOTSUPP, strerror } from "./errno.js";
export { encodePeOp, readPeOpErr, readPeOpHeader, type HostEndian, type VfioEehPeErr, type VfioEehPeOp } from "./pe-op-struct.js";
export { VfioHost, type VfioHostOptions } from "./vfio-host.js";
export { VfioContainer, type IoctlArgument } from "./container.js";
export { VfioDevice } from "./vfio-device.js";
export { buildIommuGroups, iommuGroupToPe, type IommuGroup } from "./iommu-group.js";
export { DeviceIndex } from "./device-index.js";
export { eehPeRestoreBars, type EehPeContext } from "./eeh-context.js";
export { eehPeConfigure, eehPeGetState, eehPeInjectErr, eehPeReset, eehPeSetOption } from "./eeh-pe-api.js";
export { eehDevOpen, eehDevRelease, eehPeChangeOwner, eehPeResetAndRecover } from "./ownership.js";
export { EEH_RESET_QUIRKS, needsResetOnOwnerChange, type PciId } from "./owner-quirks.js";
export { groupEehPeOp, type PeOpArgument, type PeOpOutcome } from "./eeh-pe-op.js";
export { forwardPlatformLog, interpretDiagBlob, type DiagInterpreter, type GuestPlatformLog } from "./guest-platform-log.js";
export { GuestView, type GuestEvent, type GuestEventKind, type GuestViewSnapshot, type PeEventCounts } from "./guest-view.js";
export { GuestAttribution } from "./guest-attribution.js";
export { guestRecover, type GuestRecoverOptions, type GuestRecoverReport, type GuestRecoverStep } from "./guest-recover.js";
export { GuestMemory } from "./guest-memory.js";
export { SpaprGuest, type GuestPciAddress, type SpaprGuestOptions, type SpaprTraceEntry } from "./spapr-guest.js";
export { SerialLock } from "./serial-lock.js";
