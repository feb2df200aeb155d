// The pciback/pcifront shared page, as include/xen/interface/io/pciif.h defines it
// (aer-xen.md §5.1): `struct xen_pci_sharedinfo { u32 flags; struct xen_pci_op op;
// struct xen_pcie_aer_op aer_op; }`. Both ends hold the same object (it is a page granted
// by the frontend and mapped by the backend) and synchronise through the flag bits and
// event-channel notifications. The conf-space `op` is not used by the AER flow and is
// not modelled.

export const XEN_PCI_MAGIC = "7";

// commands (0–5: config read/write and MSI/MSI-X)
export const XEN_PCI_OP_conf_read = 0;
export const XEN_PCI_OP_conf_write = 1;
export const XEN_PCI_OP_enable_msi = 2;
export const XEN_PCI_OP_disable_msi = 3;
export const XEN_PCI_OP_enable_msix = 4;
export const XEN_PCI_OP_disable_msix = 5;
export const XEN_PCI_OP_aer_detected = 6;
export const XEN_PCI_OP_aer_resume = 7;
export const XEN_PCI_OP_aer_mmio = 8;
export const XEN_PCI_OP_aer_slotreset = 9;

export const XEN_PCI_OP_NAMES: Readonly<Record<number, string>> = {
  [XEN_PCI_OP_conf_read]: "conf_read",
  [XEN_PCI_OP_conf_write]: "conf_write",
  [XEN_PCI_OP_enable_msi]: "enable_msi",
  [XEN_PCI_OP_disable_msi]: "disable_msi",
  [XEN_PCI_OP_enable_msix]: "enable_msix",
  [XEN_PCI_OP_disable_msix]: "disable_msix",
  [XEN_PCI_OP_aer_detected]: "aer_detected",
  [XEN_PCI_OP_aer_resume]: "aer_resume",
  [XEN_PCI_OP_aer_mmio]: "aer_mmio",
  [XEN_PCI_OP_aer_slotreset]: "aer_slotreset",
};

// shared flag bits (bit numbers, as the header gives them, and masks)
/** The frontend has a conf op pending. */
export const _XEN_PCIF_active = 0;
export const XEN_PCIF_active = 1 << _XEN_PCIF_active;
/** The frontend has a PV AER handler. */
export const _XEN_PCIB_AERHANDLER = 1;
export const XEN_PCIB_AERHANDLER = 1 << _XEN_PCIB_AERHANDLER;
/** The backend has an AER op pending. */
export const _XEN_PCIB_active = 2;
export const XEN_PCIB_active = 1 << _XEN_PCIB_active;

// driver-local flags (not in the shared page)
/** pciback `pdev->flags`: a conf op from the frontend is being served. */
export const _PDEVF_op_active = 0;
/** pciback `pdev->flags`: an AER request is out; the event handler wakes the waiter. */
export const _PCIB_op_pending = 1;
export const PCIB_op_pending = 1 << _PCIB_op_pending;
/** pcifront `pdev->flags`: the AER work is scheduled or running. */
export const _PDEVB_op_active = 0;
export const PDEVB_op_active = 1 << _PDEVB_op_active;

/** `struct xen_pcie_aer_op`: `err` carries the channel state in and the pci_ers_result out. */
export interface XenPcieAerOp {
  cmd: number;
  err: number;
  domain: number;
  bus: number;
  devfn: number;
}

export interface XenPciSharedInfo {
  flags: number;
  aerOp: XenPcieAerOp;
}

export function newSharedInfo(): XenPciSharedInfo {
  return { flags: 0, aerOp: { cmd: 0, err: 0, domain: 0, bus: 0, devfn: 0 } };
}

export function testBit(word: number, bit: number): boolean {
  return ((word >>> bit) & 1) === 1;
}

/** The xenstore node pciback's kill path writes (`kill_domain_by_device`). */
export function pciBackendNode(frontendDomid: number): string {
  return `/local/domain/0/backend/pci/${frontendDomid}/0`;
}

/** The 300 s pciback waits for the frontend's answer (`wait_event_timeout(…, 300*HZ)`). */
export const XEN_PCIBK_AER_TIMEOUT_MS = 300_000;
