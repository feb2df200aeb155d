// OPAL PCI EEH tokens, return codes and enumerations (powernv-opal.md §2.1, §2.2), with the
// names and values of skiboot / Linux opal-api.h.

// Tokens (§2.1)
export const OPAL_PCI_EEH_FREEZE_STATUS = 23;
export const OPAL_PCI_EEH_FREEZE_CLEAR = 26;
export const OPAL_PCI_MAP_PE_MMIO_WINDOW = 29;
export const OPAL_PCI_SET_PE = 31;
export const OPAL_PCI_SET_PELTV = 32;
export const OPAL_PCI_SET_MVE = 33;
export const OPAL_PCI_SET_MVE_ENABLE = 34;
export const OPAL_PCI_SET_XIVE_PE = 37;
export const OPAL_PCI_MAP_PE_DMA_WINDOW = 44;
export const OPAL_PCI_MAP_PE_DMA_WINDOW_REAL = 45;
export const OPAL_PCI_RESET = 49;
export const OPAL_PCI_GET_HUB_DIAG_DATA = 50;
export const OPAL_PCI_GET_PHB_DIAG_DATA = 51;
export const OPAL_PCI_FENCE_PHB = 52;
export const OPAL_PCI_REINIT = 53;
export const OPAL_PCI_MASK_PE_ERROR = 54;
export const OPAL_PCI_NEXT_ERROR = 60;
export const OPAL_PCI_EEH_FREEZE_STATUS2 = 61;
export const OPAL_PCI_POLL = 62;
export const OPAL_PCI_GET_PHB_DIAG_DATA2 = 64;
export const OPAL_PCI_ERR_INJECT = 96;
export const OPAL_PCI_EEH_FREEZE_SET = 97;

// Return codes
export const OPAL_SUCCESS = 0;
export const OPAL_PARAMETER = -1;
export const OPAL_BUSY = -2;
export const OPAL_PARTIAL = -3;
export const OPAL_HARDWARE = -6;
export const OPAL_UNSUPPORTED = -7;
export const OPAL_ASYNC_COMPLETION = -15;

/** Bit 9 of the OPAL pending-event mask. */
export const OPAL_EVENT_PCI_ERROR = 0x200;

// OpalFreezeState
export const OPAL_EEH_STOPPED_NOT_FROZEN = 0;
export const OPAL_EEH_STOPPED_MMIO_FREEZE = 1;
export const OPAL_EEH_STOPPED_DMA_FREEZE = 2;
export const OPAL_EEH_STOPPED_MMIO_DMA_FREEZE = 3;
export const OPAL_EEH_STOPPED_RESET = 4;
export const OPAL_EEH_STOPPED_TEMP_UNAVAIL = 5;
export const OPAL_EEH_STOPPED_PERM_UNAVAIL = 6;

// OpalEehFreezeActionToken (a bitmask: 1 = MMIO/PESTA, 2 = DMA/PESTB)
export const OPAL_EEH_ACTION_CLEAR_FREEZE_MMIO = 1;
export const OPAL_EEH_ACTION_CLEAR_FREEZE_DMA = 2;
export const OPAL_EEH_ACTION_CLEAR_FREEZE_ALL = 3;
export const OPAL_EEH_ACTION_SET_FREEZE_MMIO = 1;
export const OPAL_EEH_ACTION_SET_FREEZE_DMA = 2;
export const OPAL_EEH_ACTION_SET_FREEZE_ALL = 3;

// OpalPciStatusToken (pci_error_type)
export const OPAL_EEH_NO_ERROR = 0;
export const OPAL_EEH_IOC_ERROR = 1;
export const OPAL_EEH_PHB_ERROR = 2;
export const OPAL_EEH_PE_ERROR = 3;
export const OPAL_EEH_PE_MMIO_ERROR = 4;
export const OPAL_EEH_PE_DMA_ERROR = 5;

// OpalPciErrorSeverity
export const OPAL_EEH_SEV_NO_ERROR = 0;
export const OPAL_EEH_SEV_IOC_DEAD = 1;
export const OPAL_EEH_SEV_PHB_DEAD = 2;
export const OPAL_EEH_SEV_PHB_FENCED = 3;
export const OPAL_EEH_SEV_PE_ER = 4;
export const OPAL_EEH_SEV_INF = 5;

// OpalErrinjectType
export const OPAL_ERR_INJECT_TYPE_IOA_BUS_ERR = 0;
export const OPAL_ERR_INJECT_TYPE_IOA_BUS_ERR64 = 1;

// OpalPciResetScope / OpalPciResetState
export const OPAL_RESET_PHB_COMPLETE = 1;
export const OPAL_RESET_PCI_LINK = 2;
export const OPAL_RESET_PHB_ERROR = 3;
export const OPAL_RESET_PCI_HOT = 4;
export const OPAL_RESET_PCI_FUNDAMENTAL = 5;
export const OPAL_RESET_PCI_IODA_TABLE = 6;
export const OPAL_DEASSERT_RESET = 0;
export const OPAL_ASSERT_RESET = 1;

/** OPAL_PCI_REINIT scope. */
export const OPAL_REINIT_PCI_DEV = 1000;

/**
 * skiboot's slot ids: a PHB's own slot is its OPAL id; a slot below it is
 * PCI_SLOT_ID(phb, bdfn) = 1 << 63 | bdfn << 16 | opal_id.
 */
export const PCI_SLOT_ID_PREFIX = 1n << 63n;
export function pciSlotId(phbId: number, bdfn: number): bigint {
  return PCI_SLOT_ID_PREFIX | (BigInt(bdfn) << 16n) | BigInt(phbId);
}

export function parseSlotId(id: bigint): { phbId: number; bdfn?: number } {
  if (id & PCI_SLOT_ID_PREFIX) return { phbId: Number(id & 0xffffn), bdfn: Number((id >> 16n) & 0xffffn) };
  return { phbId: Number(id) };
}
