// Xen PCI passthrough with AER forwarding (aer-xen.md §5, seed 001): the pciif.h shared page
// and constants, pciback in dom0, pcifront in a PV guest, xenstore, and the toolstack that
// acts on pciback's aerfail.

export * from "./pciif.js";
export { XenStore, EAGAIN, type XenstoreWatch } from "./xenstore.js";
export { XenDomain, Toolstack, type XenDomainType, type XenDomainState, type ToolstackPolicy, type ToolstackOptions } from "./domain.js";
export { XenPcifront, type PcifrontOptions, type PcifrontCall } from "./pcifront.js";
export { XenPciback, type PcibackOptions, type PcibkRecord, type PcibkStep, type PcistubDevice, type XenPcibkDevice } from "./pciback.js";
export { XenHost, type XenHostOptions, type PassthroughOptions } from "./xen-host.js";
