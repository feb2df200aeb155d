// The host's vfio-pci driver as the host's AER core sees it (aer-xen.md §6): its only AER
// callback is error_detected, which signals the user's error eventfd
// (VFIO_PCI_ERR_IRQ_INDEX, if the user set one) and votes CAN_RECOVER — DISCONNECT in
// older kernels when the vfio device lookup fails. mmio_enabled/slot_reset/resume have no
// vfio handler, so the host's recovery carries on without the guest (for a fatal error the
// link is reset under it).
//
// The seed's forwarding series (002) also handed the error's kind to the user; `lastError`
// keeps what error_detected saw (channel state and the device's UE status/severity at that
// moment) for the QEMU model's forwarding modes. Its "workable version" serialised the two
// link resets by modifying vfio-pci: with `serializeFatal`, a frozen error is signalled from
// a resume callback — after the host's link reset — instead of from error_detected.

import type { VirtualClock } from "../../core/clock.js";
import { PCI_ERS_RESULT_CAN_RECOVER, PCI_ERS_RESULT_DISCONNECT, pci_channel_io_frozen, type ChannelState, type DeviceHandle, type PciErsResult } from "../../eeh/driver.js";
import type { ErrorHandlers } from "../host-kernel.js";
import type { Machine } from "../../ioda/machine.js";
import { aerCapOffset } from "../../pci/aer-capability.js";
import { configRead } from "../../pci/config-space.js";
import { PCI_ERR_HEADER_LOG, PCI_ERR_UNCOR_MASK, PCI_ERR_UNCOR_SEVER, PCI_ERR_UNCOR_STATUS } from "../../pci/regs.js";

/** An eventfd: signal() bumps the counter and wakes the reader (QEMU's main loop) later. */
export class EventFd {
  count = 0;
  private readonly readers: (() => void)[] = [];

  constructor(
    readonly clock: VirtualClock,
    /** Delay until the reader runs (ms). */
    readonly latencyMs = 0,
  ) {}

  signal(): void {
    this.count++;
    this.clock.setTimer(this.latencyMs, () => this.readers.forEach((r) => r()), "eventfd");
  }

  /** event_notifier_test_and_clear. */
  testAndClear(): boolean {
    const was = this.count > 0;
    this.count = 0;
    return was;
  }

  onReadable(reader: () => void): void {
    this.readers.push(reader);
  }
}

export interface VfioErrorSnapshot {
  readonly time: number;
  readonly state: ChannelState;
  readonly uncorStatus: number;
  readonly uncorMask: number;
  readonly uncorSeverity: number;
  readonly headerLog: readonly number[];
}

export class VfioPciHostDriver implements ErrorHandlers {
  readonly name = "vfio-pci";
  /** vdev->err_trigger: set by VFIO_DEVICE_SET_IRQS on the ERR index. */
  errTrigger: EventFd | undefined;
  /** Older kernels: vfio_device_get_from_dev failed → DISCONNECT. */
  lookupFails = false;
  lastError: VfioErrorSnapshot | undefined;
  readonly calls: { readonly time: number; readonly state: ChannelState; readonly vote: PciErsResult }[] = [];

  /** Only with `serializeFatal` (the seed's patched vfio-pci). */
  readonly resume?: (dev: DeviceHandle) => void;
  private deferred = false;

  constructor(
    readonly machine: Machine,
    readonly clock: VirtualClock,
    options: { readonly serializeFatal?: boolean } = {},
  ) {
    if (options.serializeFatal) {
      this.resume = () => {
        if (!this.deferred) return;
        this.deferred = false;
        this.errTrigger?.signal();
      };
    }
  }

  errorDetected(dev: DeviceHandle, state: ChannelState): PciErsResult {
    if (this.lookupFails) {
      this.calls.push({ time: this.clock.now(), state, vote: PCI_ERS_RESULT_DISCONNECT });
      return PCI_ERS_RESULT_DISCONNECT;
    }
    const fn = this.machine.phbState(dev.phbId).functions[dev.rid];
    const aer = fn ? aerCapOffset(fn.config) : 0;
    const rd = (off: number): number => (fn && aer ? configRead(fn.config, aer + off, 4) >>> 0 : 0);
    this.lastError = {
      time: this.clock.now(),
      state,
      uncorStatus: rd(PCI_ERR_UNCOR_STATUS),
      uncorMask: rd(PCI_ERR_UNCOR_MASK),
      uncorSeverity: rd(PCI_ERR_UNCOR_SEVER),
      headerLog: [0, 4, 8, 12].map((o) => rd(PCI_ERR_HEADER_LOG + o)),
    };
    if (this.resume && state === pci_channel_io_frozen) this.deferred = true;
    else this.errTrigger?.signal();
    this.calls.push({ time: this.clock.now(), state, vote: PCI_ERS_RESULT_CAN_RECOVER });
    return PCI_ERS_RESULT_CAN_RECOVER;
  }
}
