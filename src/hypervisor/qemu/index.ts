// QEMU vfio-pci and host errors (aer-xen.md §6, seed 002): the host's vfio-pci AER callback
// and error eventfd, QEMU's vm_stop on it (mainline) or the seed's forwarding modes, and
// the management reaction.

export { EventFd, VfioPciHostDriver, type VfioErrorSnapshot } from "./vfio-pci-driver.js";
export { QemuVm, PCIE_FLR_WAIT_MS, type QemuRunState, type QemuAerMode, type ManagementPolicy, type QemuVmOptions, type VfioDeviceOptions, type QemuVfioDevice, type QmpEvent } from "./qemu-vm.js";
export { QemuHost } from "./qemu-host.js";
