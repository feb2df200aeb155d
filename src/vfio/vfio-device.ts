// A device a guest opened through VFIO: what the guest does with it. MMIO goes straight
// to the hardware through the BARs the guest has mapped (no host EEH check: the PE is
// passed through, linux-eeh.md §5.1 — the guest sees the all-ones itself); config space
// goes through the host's config accessors (vfio-pci's config region), which answer all
// ones while the PE's config access is blocked; DMA is issued by the device and filtered
// by its PE's IOMMU window. An access outside the device's own BARs is refused (the guest
// has nothing else mapped), so a guest reaches no other PE through its device.

import type { AccessSize } from "../core/bits.js";
import { ArgumentError, HardwareStateError } from "../core/errors.js";
import { EEH_PE_CFG_BLOCKED } from "../ioda/pe/pe-flags.js";
import type { EehPeRef } from "../platform/eeh-ops.js";
import type { VfioContainer } from "./container.js";
import type { IommuGroup } from "./iommu-group.js";

export class VfioDevice {
  readonly pe: EehPeRef;
  private closed = false;

  constructor(
    readonly container: VfioContainer,
    /** `dddd:bb:dd.f` */
    readonly address: string,
    readonly group: IommuGroup,
  ) {
    const d = container.host.core.device(address);
    this.pe = { phbId: d.phbId, pe: d.pe };
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  private check(): void {
    if (this.closed) throw new HardwareStateError(`${this.address} is closed`, { address: this.address });
  }

  private barAddress(bar: number, offset: bigint, size: AccessSize): bigint {
    const m = this.container.host.core.machine;
    const { phbId, rid } = m.locate(this.address);
    const b = m.phbLayout(phbId).barsByRid.get(rid)?.find((x) => x.bar === bar);
    if (!b) throw new ArgumentError(`${this.address} has no BAR ${bar} mapped`, { address: this.address, bar });
    if (offset < 0n || offset + BigInt(size) > b.size) {
      throw new ArgumentError(`offset 0x${offset.toString(16)} (+${size}) is outside BAR ${bar} of ${this.address} (0x${b.size.toString(16)} bytes)`, { address: this.address, bar });
    }
    return b.cpuStart + offset;
  }

  private asGuest<R>(f: () => R): R {
    return this.container.host.asGuest(this.container.guest, f);
  }

  /** A load from a mapped BAR. */
  readMmio(bar: number, offset: bigint, size: AccessSize): bigint {
    this.check();
    const addr = this.barAddress(bar, offset, size);
    return this.asGuest(() => this.container.host.core.machine.mmioLoad(addr, size));
  }

  /** A store to a mapped BAR. */
  writeMmio(bar: number, offset: bigint, size: AccessSize, value: bigint): void {
    this.check();
    const addr = this.barAddress(bar, offset, size);
    this.asGuest(() => this.container.host.core.machine.mmioStore(addr, size, value));
  }

  /** A config read through vfio-pci (the host's accessor: all ones while config is blocked). */
  readConfig(offset: number, size: 1 | 2 | 4): number {
    this.check();
    return this.asGuest(() => this.container.host.core.readConfig(this.address, offset, size).value);
  }

  /** A config write through vfio-pci (dropped while config is blocked). */
  writeConfig(offset: number, size: 1 | 2 | 4, value: number): void {
    this.check();
    const core = this.container.host.core;
    if (core.pe(this.pe).state & EEH_PE_CFG_BLOCKED) return;
    this.asGuest(() => core.machine.configWrite(this.address, offset, size, value));
  }

  /** A DMA read by the device (what the guest's driver programmed it to do). */
  dmaRead(pciAddr: bigint, size: AccessSize): bigint {
    this.check();
    return this.asGuest(() => this.container.host.core.machine.dmaRead(this.address, pciAddr, size));
  }

  /** A DMA write by the device. */
  dmaWrite(pciAddr: bigint, size: AccessSize, value: bigint): boolean {
    this.check();
    return this.asGuest(() => this.container.host.core.machine.dmaWrite(this.address, pciAddr, size, value)).blocked === undefined;
  }

  /** Close the device once; the last close releases it to the host (eeh_dev_release). */
  async close(): Promise<number> {
    if (this.closed) return 0;
    return this.container.releaseDevice(this);
  }

  /** @internal The container's last close of the device. */
  markClosed(): void {
    this.closed = true;
  }
}
