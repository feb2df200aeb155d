// Shared setup for the hypervisor tests: a machine, dom0 / the KVM host running the native
// AER driver (aer/), and the Xen or QEMU model over it.
import { VirtualClock } from "../../src/core/clock.js";
import { HostLog } from "../../src/eeh/host-log.js";
import { Machine } from "../../src/ioda/machine.js";
import { AerHost, createAerHost } from "../../src/aer/aer-host.js";
import type { AerDriver } from "../../src/aer/driver.js";
import { XenHost, type PcifrontOptions, type ToolstackPolicy, type XenDomainType } from "../../src/hypervisor/xen/index.js";
import { QemuHost, type QemuVmOptions, type VfioDeviceOptions } from "../../src/hypervisor/qemu/index.js";
import { switchPhb } from "../ioda/fixtures.js";

export const EP = "0000:03:00.0";
export const DSP = "0000:02:00.0";

export interface XenEnvOptions {
  readonly toolstack?: ToolstackPolicy;
  readonly guest?: XenDomainType;
  readonly driver?: AerDriver;
  readonly frontend?: PcifrontOptions;
  readonly vbdf?: string | null;
  readonly keepDebug?: boolean;
  readonly timeoutMs?: number;
}

export function xenEnv(o: XenEnvOptions = {}) {
  const m = Machine.build({ phbs: [switchPhb(0, "ioda2", 3)] });
  const clock = new VirtualClock();
  const log = new HostLog(clock, undefined, o.keepDebug ?? false);
  const dom0 = new AerHost(m, clock, log);
  const xen = new XenHost(dom0, clock, { toolstack: o.toolstack ?? "xend", ...(o.timeoutMs !== undefined ? { pciback: { timeoutMs: o.timeoutMs } } : {}) });
  const vm = xen.createGuest(1, "vm1", o.guest ?? "pv");
  xen.passthrough(EP, vm, { ...(o.driver ? { driver: o.driver } : {}), ...(o.frontend ? { frontend: o.frontend } : {}), ...(o.vbdf !== undefined ? { vbdf: o.vbdf } : {}) });
  return { m, clock, log, dom0, xen, vm, front: xen.frontends.get(1) };
}

export function qemuEnv(vmOpts: QemuVmOptions = {}, dev: VfioDeviceOptions = {}) {
  const m = Machine.build({ phbs: [switchPhb(0, "ioda2", 3)] });
  const clock = new VirtualClock();
  const log = new HostLog(clock);
  const host = new AerHost(m, clock, log);
  const kvm = new QemuHost(host, clock, createAerHost);
  const vm = kvm.createVm("vm1", vmOpts);
  const vfio = kvm.assign(EP, vm, dev);
  kvm.start(vm);
  return { m, clock, log, host, kvm, vm, vfio };
}
