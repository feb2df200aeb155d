// The AER hardware of a host whose OS handles AER natively (aer-xen.md §1; x86-like): a
// function detects an error and sets the bits the PCIe spec has it set (through
// pci/aer-capability.ts: status always, First Error Pointer and header log when unmasked
// and the log is free), then — when unmasked and reporting is enabled — sends ERR_COR /
// ERR_NONFATAL / ERR_FATAL by its severity register up to its root port, which records it
// in its root error registers (multi bits, FIRST_FATAL, error source) and interrupts if
// PCI_ERR_ROOT_COMMAND enables that kind.
//
// Unlike ioda/faults.ts injectPcieUe (PowerNV, where the PHB turns the same message into an
// EEH freeze of the source's PE, §3.1), nothing here touches the PHB: on a native host the
// root port's interrupt goes to Linux's AER driver (aer-host.ts).
//
// Emulator choices (PCIe base spec §6.2.5, not in aer-xen.md): a message is sent when Device
// Control enables its kind (CERE / NFERE / FERE) or, for ERR_NONFATAL/ERR_FATAL, when the
// Command register's SERR# Enable is set; an Unsupported Request also needs URRE. Switch
// ports forward messages upstream unconditionally (their Bridge Control SERR# Enable is not
// modelled). A message from below a link that is down never reaches the root port.

import { ArgumentError, HardwareStateError, NotFoundError } from "../core/errors.js";
import type { Draft } from "../core/state.js";
import type { FunctionRef, Machine } from "../ioda/machine.js";
import { pathUp } from "../ioda/machine.js";
import type { HwEvent, PhbMachineState } from "../ioda/machine-state.js";
import { formatPciAddress, type Rid } from "../pci/address.js";
import { aerCapOffset, aerRecordCorrectable, aerRecordUncorrectable, aerRootRecord, type ErrorMessageKind } from "../pci/aer-capability.js";
import { PCI_EXP_CAP_BASE, configRead, withHardwareWrites } from "../pci/config-space.js";
import {
  PCI_COMMAND,
  PCI_COMMAND_SERR,
  PCI_ERR_UNC_SURPDN,
  PCI_ERR_UNC_UNSUP,
  PCI_EXP_DEVCTL,
  PCI_EXP_DEVCTL_CERE,
  PCI_EXP_DEVCTL_FERE,
  PCI_EXP_DEVCTL_NFERE,
  PCI_EXP_DEVCTL_URRE,
  PCI_EXP_LNKSTA,
  PCI_EXP_LNKSTA_DLLLA,
} from "../pci/regs.js";
import { isBridgeKind } from "../pci/topology.js";

/** What the hardware did with one detected error. */
export interface AerSignal {
  readonly address: string;
  readonly phbId: number;
  readonly rid: Rid;
  /** How the error was recorded: its message kind, or "masked" (status bit only). */
  readonly recorded: ErrorMessageKind | "masked";
  /** Whether an error message left the function (unmasked, reporting enabled). */
  readonly sent: boolean;
  /** Whether the message reached the root port (false when a link on the way is down). */
  readonly delivered: boolean;
  /** Whether the root port raised its AER interrupt (PCI_ERR_ROOT_COMMAND enables the kind). */
  readonly interrupt: boolean;
}

/** Device Control / Command bits that let a function send a message of `kind`. */
function reportingEnabled(cs: Parameters<typeof configRead>[0], kind: ErrorMessageKind, bit: number): boolean {
  const devctl = configRead(cs, PCI_EXP_CAP_BASE + PCI_EXP_DEVCTL, 2);
  if (kind === "correctable") return (devctl & PCI_EXP_DEVCTL_CERE) !== 0;
  if (bit === PCI_ERR_UNC_UNSUP && (devctl & PCI_EXP_DEVCTL_URRE) === 0) return false;
  const serr = (configRead(cs, PCI_COMMAND, 2) & PCI_COMMAND_SERR) !== 0;
  return serr || (devctl & (kind === "fatal" ? PCI_EXP_DEVCTL_FERE : PCI_EXP_DEVCTL_NFERE)) !== 0;
}

interface Located {
  readonly phbId: number;
  readonly rid: Rid;
  readonly address: string;
}

function locate(m: Machine, ref: FunctionRef): Located {
  const { phbId, rid, address } = m.locate(ref);
  return { phbId, rid, address: formatPciAddress(address) };
}

/**
 * Send `kind` from `rid` to the root port of the PHB (the function at RID 0), if the path
 * is up. Returns [delivered, interrupt].
 */
function deliver(m: Machine, p: Draft<PhbMachineState>, phbId: number, rid: Rid, kind: ErrorMessageKind): [boolean, boolean] {
  const pl = m.phbLayout(phbId);
  if (!pathUp(pl, p, rid >> 8)) return [false, false];
  const root = p.functions[0];
  if (!root || aerCapOffset(root.config) === 0 || pl.fnByRid.get(0)?.kind !== "root-port") return [false, false];
  const rec = aerRootRecord(root.config, { kind, sourceRid: rid });
  root.config = rec.cs;
  return [true, rec.interrupt];
}

function checkAlive(p: Draft<PhbMachineState>, phbId: number): void {
  if (p.hw.broken) throw new HardwareStateError(`PHB#${phbId.toString(16)} is dead`, { phb: phbId });
}

/**
 * Function `ref` detects uncorrectable error `bit` (one PCI_ERR_UNC_* mask), optionally
 * with the TLP header it would log. One atomic hardware step.
 */
export function aerSignalUncorrectable(m: Machine, ref: FunctionRef, bit: number, tlpHeader?: readonly number[]): AerSignal {
  const at = locate(m, ref);
  return m.apply((d, ev) => {
    const p = d.phbs[at.phbId]!;
    checkAlive(p, at.phbId);
    const fn = p.functions[at.rid]!;
    const rec = aerRecordUncorrectable(fn.config, bit, tlpHeader);
    fn.config = rec.cs;
    ev.push({ kind: "aer", phb: at.phbId, rid: at.rid, bit, severity: rec.severity });
    if (rec.severity === "masked") return { ...at, recorded: "masked", sent: false, delivered: false, interrupt: false };
    const sent = reportingEnabled(fn.config, rec.severity, bit);
    const [delivered, interrupt] = sent ? deliver(m, p, at.phbId, at.rid, rec.severity) : [false, false];
    return { ...at, recorded: rec.severity, sent, delivered, interrupt };
  });
}

/** Function `ref` detects correctable error `bit` (one PCI_ERR_COR_* mask). */
export function aerSignalCorrectable(m: Machine, ref: FunctionRef, bit: number): AerSignal {
  const at = locate(m, ref);
  return m.apply((d) => {
    const p = d.phbs[at.phbId]!;
    checkAlive(p, at.phbId);
    const fn = p.functions[at.rid]!;
    const rec = aerRecordCorrectable(fn.config, bit);
    fn.config = rec.cs;
    if (rec.severity === "masked") return { ...at, recorded: "masked", sent: false, delivered: false, interrupt: false };
    const sent = aerCapOffset(fn.config) !== 0 && reportingEnabled(fn.config, "correctable", bit);
    const [delivered, interrupt] = sent ? deliver(m, p, at.phbId, at.rid, "correctable") : [false, false];
    return { ...at, recorded: "correctable", sent, delivered, interrupt };
  });
}

/**
 * The link below bridge port `ref` drops (native host): the port loses Data Link Layer
 * Link Active, everything below becomes unreachable, and the port itself detects Surprise
 * Down and reports it. `permanent` keeps the link down across resets.
 */
export function aerSignalLinkDown(m: Machine, ref: FunctionRef, opts: { permanent?: boolean } = {}): AerSignal {
  const at = locate(m, ref);
  const spec = m.phbLayout(at.phbId).fnByRid.get(at.rid)!;
  if (!isBridgeKind(spec.kind)) throw new ArgumentError(`${at.address} is a ${spec.kind}, not a port with a link below it`, { address: at.address });
  m.apply((d, ev: HwEvent[]) => {
    const p = d.phbs[at.phbId]!;
    checkAlive(p, at.phbId);
    const fn = p.functions[at.rid]!;
    fn.linkUp = false;
    fn.linkFaultPermanent = opts.permanent ?? false;
    fn.config = withHardwareWrites(fn.config, (r) => r.clear(PCI_EXP_CAP_BASE + PCI_EXP_LNKSTA, 2, PCI_EXP_LNKSTA_DLLLA));
    ev.push({ kind: "link-down", phb: at.phbId, port: at.rid, permanent: fn.linkFaultPermanent });
  });
  return aerSignalUncorrectable(m, ref, PCI_ERR_UNC_SURPDN);
}

/** The function's current AER registers through config reads (undefined: no AER capability). */
export function aerOffsetOf(m: Machine, ref: FunctionRef): number {
  const { phbId, rid, address } = m.locate(ref);
  const fn = m.phbState(phbId).functions[rid];
  if (!fn) throw new NotFoundError(`no function ${formatPciAddress(address)}`);
  return aerCapOffset(fn.config);
}
