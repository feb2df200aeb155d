// The kernel side of aer-inject (`aer_inject.c`, aer-xen.md §4.2), over a native AER host:
// check the device and its root port, refuse errors whose bits are all masked (unless
// `aer_mask_override`), make the device's UE/CE status and header log and the root port's
// root status / error source read as the error would have left them, log "Injecting errors
// …", and fire the root port's AER interrupt — after which the normal §2 path runs.
//
// The kernel does this with shadow registers behind swapped pci_ops (only UE/CE status,
// header log, root status and error source are shadowed; writes to the RW1C ones XOR into
// the shadow). The emulator writes the same values into the real registers, which reads and
// clears identically; like the shadow, it leaves the First Error Pointer and Device Status
// alone and overwrites ERR_SRC instead of latching it.

import { formatPciAddress, ridOf } from "../pci/address.js";
import { aerCapOffset } from "../pci/aer-capability.js";
import { withHardwareWrites } from "../pci/config-space.js";
import {
  PCI_ERR_COR_MASK,
  PCI_ERR_COR_STATUS,
  PCI_ERR_HEADER_LOG,
  PCI_ERR_ROOT_COR_RCV,
  PCI_ERR_ROOT_ERR_SRC,
  PCI_ERR_ROOT_FATAL_RCV,
  PCI_ERR_ROOT_FIRST_FATAL,
  PCI_ERR_ROOT_MULTI_COR_RCV,
  PCI_ERR_ROOT_MULTI_UNCOR_RCV,
  PCI_ERR_ROOT_NONFATAL_RCV,
  PCI_ERR_ROOT_STATUS,
  PCI_ERR_ROOT_UNCOR_RCV,
  PCI_ERR_UNCOR_MASK,
  PCI_ERR_UNCOR_SEVER,
  PCI_ERR_UNCOR_STATUS,
} from "../pci/regs.js";
import type { AerHost } from "./aer-host.js";
import type { AerInjection } from "./inject-parse.js";

export const ENODEV = 19;
export const EINVAL = 22;
export const EPERM = 1;

export interface AerInjectOptions {
  /** Module parameter aer_mask_override: rewrite the masks instead of refusing (§4.2: it zeroes them). */
  readonly maskOverride?: boolean;
}

export interface AerInjectResult {
  /** 0, or the negative errno the write() returns. */
  readonly rc: number;
  readonly message?: string;
  readonly device?: string;
}

/** One write() of an aer_error_inj to /dev/aer_inject. */
export function aerInject(host: AerHost, inj: Pick<AerInjection, "id" | "corStatus" | "uncorStatus" | "headerLog">, options: AerInjectOptions = {}): AerInjectResult {
  const m = host.machine;
  const address = formatPciAddress(inj.id);
  const phbId = m.layout.phbIdByDomain.get(inj.id.domain);
  const fail = (rc: number, message: string): AerInjectResult => {
    host.log.line("warn", `aer_inject: ${message}`);
    return { rc, message, device: address };
  };
  if (phbId === undefined || !m.phbLayout(phbId).fnByRid.has(ridOf(inj.id))) return fail(-ENODEV, `AER device not found`);
  const dev = host.device(address);
  const root = host.rootPortOf(dev);
  if (!root) return fail(-ENODEV, "Neither Root Port nor RCEC found");
  const p = m.phbState(phbId);
  const devCs = p.functions[dev.rid]!.config;
  const aer = aerCapOffset(devCs);
  if (!aer) return fail(-EPERM, `Device doesn't support AER`);
  const rpAer = aerCapOffset(p.functions[root.rid]!.config);
  if (!rpAer) return fail(-EPERM, "Root port doesn't support AER");

  const rd = (off: number): number => m.configRead(address, aer + off, 4) >>> 0;
  const corMask = rd(PCI_ERR_COR_MASK);
  const uncorMask = rd(PCI_ERR_UNCOR_MASK);
  if (inj.corStatus && !(inj.corStatus & ~corMask)) {
    if (!options.maskOverride) return warnMasked(host, dev.address, "The correctable error(s) is masked by device");
    m.configWrite(address, aer + PCI_ERR_COR_MASK, 4, 0);
  }
  if (inj.uncorStatus && !(inj.uncorStatus & ~uncorMask)) {
    if (!options.maskOverride) return warnMasked(host, dev.address, "The uncorrectable error(s) is masked by device");
    m.configWrite(address, aer + PCI_ERR_UNCOR_MASK, 4, 0);
  }
  const sever = rd(PCI_ERR_UNCOR_SEVER);
  const bdf = ridOf(inj.id);

  m.apply((d) => {
    const ph = d.phbs[phbId]!;
    const fn = ph.functions[dev.rid]!;
    fn.config = withHardwareWrites(fn.config, (r) => {
      r.set(aer + PCI_ERR_UNCOR_STATUS, 4, inj.uncorStatus);
      r.set(aer + PCI_ERR_COR_STATUS, 4, inj.corStatus);
      inj.headerLog.forEach((dw, k) => r.write(aer + PCI_ERR_HEADER_LOG + 4 * k, 4, dw));
    });
    const rp = ph.functions[root.rid]!;
    rp.config = withHardwareWrites(rp.config, (r) => {
      let status = r.read(rpAer + PCI_ERR_ROOT_STATUS, 4);
      let src = r.read(rpAer + PCI_ERR_ROOT_ERR_SRC, 4);
      if (inj.corStatus) {
        status |= status & PCI_ERR_ROOT_COR_RCV ? PCI_ERR_ROOT_MULTI_COR_RCV : PCI_ERR_ROOT_COR_RCV;
        src = ((src & 0xffff0000) | bdf) >>> 0;
      }
      if (inj.uncorStatus) {
        if (status & PCI_ERR_ROOT_UNCOR_RCV) status |= PCI_ERR_ROOT_MULTI_UNCOR_RCV;
        if (sever & inj.uncorStatus) {
          status |= PCI_ERR_ROOT_FATAL_RCV;
          if (!(status & PCI_ERR_ROOT_UNCOR_RCV)) status |= PCI_ERR_ROOT_FIRST_FATAL;
        } else status |= PCI_ERR_ROOT_NONFATAL_RCV;
        status |= PCI_ERR_ROOT_UNCOR_RCV;
        src = (((bdf << 16) >>> 0) | (src & 0xffff)) >>> 0;
      }
      r.write(rpAer + PCI_ERR_ROOT_STATUS, 4, status >>> 0);
      r.write(rpAer + PCI_ERR_ROOT_ERR_SRC, 4, src);
    });
  });
  host.print(root, { kind: "inject", cor: inj.corStatus, uncor: inj.uncorStatus, target: address }, "info");
  host.irq(root.phbId);
  return { rc: 0, device: address };
}

function warnMasked(host: AerHost, address: string, message: string): AerInjectResult {
  const d = host.device(address);
  host.devLine(d, "warn", message);
  return { rc: -EINVAL, message, device: address };
}

/** Inject every error of a parsed file, in order; stops at the first failed write, as the tool does. */
export function aerInjectAll(host: AerHost, injections: readonly AerInjection[], options: AerInjectOptions = {}): AerInjectResult[] {
  const out: AerInjectResult[] = [];
  for (const i of injections) {
    const r = aerInject(host, i, options);
    out.push(r);
    if (r.rc !== 0) break;
  }
  return out;
}

