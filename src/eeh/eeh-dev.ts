// The EEH core's view of a PCI function (`struct eeh_dev`, linux-eeh.md §1.5): its PE,
// its driver, its channel state and the mode flags recovery sets on it.

import type { ChannelState, PciDriver } from "./driver.js";

export const EEH_DEV_BRIDGE = 0x001;
export const EEH_DEV_ROOT_PORT = 0x002;
export const EEH_DEV_DS_PORT = 0x004;
export const EEH_DEV_IRQ_DISABLED = 0x008;
export const EEH_DEV_DISCONNECTED = 0x010;
export const EEH_DEV_NO_HANDLER = 0x100;
export const EEH_DEV_SYSFS = 0x200;
export const EEH_DEV_REMOVED = 0x400;

/** EEH_MAX_FAILS: all-ones reads on an isolated PE before the "infinite loop" message. */
export const EEH_MAX_FAILS = 2_100_000;

export interface EehDevice {
  readonly phbId: number;
  readonly rid: number;
  /** `dddd:bb:dd.f` */
  readonly address: string;
  /** IODA PE number (pe_config_addr on PowerNV). */
  readonly pe: number;
  readonly bridge: boolean;
  driver: PciDriver | undefined;
  mode: number;
  /** Set once error_detected was delivered. */
  inError: boolean;
  channel: ChannelState;
  /** Whether a pci_dev exists (false while hot-removed during recovery, or after removal). */
  present: boolean;
  /** The device asks for a fundamental instead of a hot reset. */
  needsFreset: boolean;
}
