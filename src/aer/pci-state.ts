// pci_save_state / pci_restore_state, as far as the AER reset path needs them (aer-xen.md
// §1 "Kernel saves/restores UE mask, UE severity, CE mask, CAP (+ ROOT_COMMAND on root
// ports) across resets"): `pci_bus_error_reset` saves every device below the bridge, resets
// the secondary bus and restores them, so drivers find BARs, command and error reporting
// as they left them. Config access goes through the machine (a device behind a dead link
// ignores the writes, as hardware does).

import type { Machine } from "../ioda/machine.js";
import { addressFromRid, formatPciAddress, type Rid } from "../pci/address.js";
import { PCI_EXP_CAP_BASE } from "../pci/config-space.js";
import {
  PCI_BASE_ADDRESS_0,
  PCI_CACHE_LINE_SIZE,
  PCI_COMMAND,
  PCI_ERR_CAP,
  PCI_ERR_COR_MASK,
  PCI_ERR_ROOT_COMMAND,
  PCI_ERR_UNCOR_MASK,
  PCI_ERR_UNCOR_SEVER,
  PCI_EXP_DEVCTL,
  PCI_EXP_LNKCTL,
  PCI_EXP_RTCTL,
  PCI_EXP_SLTCTL,
} from "../pci/regs.js";

/** pci_regs.h PCI_STD_HEADER_SIZEOF: the standard header (type 0 or 1) is 64 bytes. */
const PCI_STD_HEADER_SIZEOF = 0x40;

export interface SavedPciState {
  readonly address: string;
  /** [offset, size, value] in restore order. */
  readonly regs: readonly (readonly [number, 1 | 2 | 4, number])[];
}

/** The registers pci_save_state keeps, read now. `aer`: the AER capability offset (0: none). */
export function savePciState(m: Machine, domain: number, rid: Rid, aer: number, bridge: boolean, rootPort: boolean): SavedPciState {
  const address = formatPciAddress(addressFromRid(domain, rid));
  const regs: [number, 1 | 2 | 4, number][] = [];
  const rd = (off: number, size: 1 | 2 | 4): void => void regs.push([off, size, m.configRead(address, off, size) >>> 0]);
  // Header dwords 4..15 (BARs/bus numbers/windows, ROM, interrupt line), then COMMAND last.
  for (let off = PCI_BASE_ADDRESS_0; off < PCI_STD_HEADER_SIZEOF; off += 4) rd(off, 4);
  rd(PCI_CACHE_LINE_SIZE, 1);
  rd(PCI_EXP_CAP_BASE + PCI_EXP_DEVCTL, 2);
  rd(PCI_EXP_CAP_BASE + PCI_EXP_LNKCTL, 2);
  if (bridge) rd(PCI_EXP_CAP_BASE + PCI_EXP_SLTCTL, 2);
  if (rootPort) rd(PCI_EXP_CAP_BASE + PCI_EXP_RTCTL, 2);
  if (aer) {
    rd(aer + PCI_ERR_UNCOR_MASK, 4);
    rd(aer + PCI_ERR_UNCOR_SEVER, 4);
    rd(aer + PCI_ERR_COR_MASK, 4);
    rd(aer + PCI_ERR_CAP, 4);
    if (rootPort) rd(aer + PCI_ERR_ROOT_COMMAND, 4);
  }
  rd(PCI_COMMAND, 2);
  return { address, regs };
}

export function restorePciState(m: Machine, s: SavedPciState): void {
  for (const [off, size, value] of s.regs) m.configWrite(s.address, off, size, value);
}
