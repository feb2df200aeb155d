// A Xen host with PCI passthrough by pciback (aer-xen.md §5, seed 001): dom0's kernel runs
// native AER (aer/aer-host.ts, handed in) with pciback bound to the assignable devices;
// xenstore and a toolstack; guests — PV ones with pcifront — holding devices:
//
//   const dom0 = new AerHost(machine, clock, log);                 // dom0's AER driver
//   const xen = new XenHost(dom0, clock);
//   const vm = xen.createGuest(1, "vm1", "pv");
//   xen.passthrough("0000:03:00.0", vm, { driver: scriptedAerDriver("igb", { … }) });
//   dom0.injectUncorrectable("0000:03:00.0", PCI_ERR_UNC_MALF_TLP);
//   await dom0.settle();
//
// When the toolstack destroys a domain, pciback takes its devices back and resets them
// with FLR (pcistub_put_pci_dev), restoring their saved config.

import type { VirtualClock } from "../../core/clock.js";
import { EehError } from "../../core/errors.js";
import { functionLevelReset } from "../../ioda/faults.js";
import type { ErrorHandlers, HostPciCore } from "../host-kernel.js";
import { Toolstack, type ToolstackPolicy, type XenDomain, type XenDomainType } from "./domain.js";
import { XenPciback, type PcibackOptions } from "./pciback.js";
import { XenPcifront, type PcifrontOptions } from "./pcifront.js";
import { XenStore } from "./xenstore.js";

export interface XenHostOptions {
  /** How the toolstack reacts to aerfail (default "xend": the guest is powered off). */
  readonly toolstack?: ToolstackPolicy;
  readonly pciback?: PcibackOptions;
  /** Delay of xenstore watch events (ms, default 0). */
  readonly watchLatencyMs?: number;
}

export interface PassthroughOptions {
  /** The guest driver bound to the device in the guest (none: no driver). */
  readonly driver?: ErrorHandlers;
  /** The BDF the guest sees (PV only; default 0000:00:00.0; null makes translation fail). */
  readonly vbdf?: string | null;
  /** Options of the guest's pcifront (PV only; one pcifront per guest, first call wins). */
  readonly frontend?: PcifrontOptions;
}

export class XenHost {
  readonly store: XenStore;
  readonly toolstack: Toolstack;
  readonly pciback: XenPciback;
  readonly frontends = new Map<number, XenPcifront>();

  constructor(
    /** dom0's PCI error core (an AerHost). */
    readonly dom0: HostPciCore,
    readonly clock: VirtualClock,
    options: XenHostOptions = {},
  ) {
    this.store = new XenStore(clock, options.watchLatencyMs ?? 0);
    this.toolstack = new Toolstack(this.store, clock, { policy: options.toolstack ?? "xend", onDestroy: (d) => this.destroyed(d) });
    this.pciback = new XenPciback(dom0, this.store, clock, options.pciback ?? {});
  }

  createGuest(domid: number, name: string, type: XenDomainType): XenDomain {
    return this.toolstack.create(domid, name, type);
  }

  /** Give a device to a guest: pciback seizes it in dom0; a PV guest sees it through pcifront. */
  passthrough(address: string, guest: XenDomain, opts: PassthroughOptions = {}): void {
    let front: XenPcifront | undefined;
    if (guest.type === "pv") {
      front = this.frontends.get(guest.domid);
      if (!front) this.frontends.set(guest.domid, (front = new XenPcifront(guest, this.clock, opts.frontend ?? {})));
      const vbdf = opts.vbdf === undefined ? "0000:00:00.0" : opts.vbdf;
      if (vbdf !== null) front.plug(vbdf, opts.driver);
    }
    this.pciback.seize(address);
    this.pciback.assign(address, guest, front, opts.vbdf === undefined ? "0000:00:00.0" : opts.vbdf);
  }

  /** The toolstack destroyed `d`: its frontend is gone, its devices are FLRed back to pciback. */
  private destroyed(d: XenDomain): void {
    this.frontends.delete(d.domid);
    this.pciback.release(d, (address) => {
      try {
        functionLevelReset(this.dom0.machine, address);
        this.dom0.restoreState(address);
      } catch (e) {
        if (!(e instanceof EehError)) throw e;
      }
    });
  }
}
