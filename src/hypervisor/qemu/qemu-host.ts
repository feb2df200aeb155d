// A KVM host running QEMU VMs with vfio-pci devices (aer-xen.md §6): the host kernel owns
// AER natively (an AerHost, handed in) with vfio-pci bound to the assigned devices; each VM
// is a QemuVm that realized its devices against them.
//
//   const host = new AerHost(machine, clock, log);
//   const kvm = new QemuHost(host, clock, createAerHost);   // the factory: guest kernels' AER
//   const vm = kvm.createVm("vm1", { management: "leave-paused" });
//   kvm.assign("0000:03:00.0", vm, { driver: guestDriver });
//   kvm.start(vm);
//   host.injectUncorrectable("0000:03:00.0", PCI_ERR_UNC_MALF_TLP);
//   await host.settle();                 // vm.runstate === "internal-error"

import type { VirtualClock } from "../../core/clock.js";
import { formatPciAddress, parsePciAddress } from "../../pci/address.js";
import type { HostPciCore, NativeAerFactory } from "../host-kernel.js";
import { QemuVm, type QemuVmOptions, type VfioDeviceOptions } from "./qemu-vm.js";
import { VfioPciHostDriver } from "./vfio-pci-driver.js";

export class QemuHost {
  readonly vms: QemuVm[] = [];
  readonly vfio = new Map<string, VfioPciHostDriver>();

  constructor(
    /** The host kernel's PCI error core (an AerHost). */
    readonly kernel: HostPciCore,
    readonly clock: VirtualClock,
    /** Guest kernels' AER driver, for the seed's forwarding modes (e.g. createAerHost). */
    readonly guestAer?: NativeAerFactory,
  ) {}

  createVm(name: string, options: QemuVmOptions = {}): QemuVm {
    const vm = new QemuVm(name, this.kernel, this.clock, options, this.guestAer);
    this.vms.push(vm);
    return vm;
  }

  /** Bind vfio-pci to the device on the host and realize it in the VM. */
  assign(address: string, vm: QemuVm, opts: VfioDeviceOptions = {}): VfioPciHostDriver {
    const a = formatPciAddress(parsePciAddress(address));
    // The seed's workable version patched vfio-pci to tell QEMU after the host's link reset.
    const serializeFatal = vm.aerMode === "forward-all" && (vm.options.guestLinkReset ?? "flr") === "flr";
    const drv = new VfioPciHostDriver(this.kernel.machine, this.clock, { serializeFatal });
    this.vfio.set(a, drv);
    this.kernel.bindDriver(a, drv);
    vm.realize(a, drv, opts);
    return drv;
  }

  /** Machine init done: build the guest hierarchy (forwarding modes). */
  start(vm: QemuVm): void {
    vm.finishRealize();
  }
}
