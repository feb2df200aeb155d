// Direct device faults for scenarios and tests, and the firmware-level primitives the
// platform layer drives (freeze set/clear, PAPR injection arming, resets). Each fault
// goes through the same hardware paths a real one would: a bad DMA is a DMA that misses
// its TCE; an MMIO error is a load nobody decodes; link loss and PCIe UEs set the AER
// bits of the reporting function and send an error message that the PHB turns into a
// freeze of the message's PE (plus its PELT-V domain) — or a fence, per §6.3 routing.

import { ArgumentError, HardwareStateError, NotFoundError } from "../core/errors.js";
import type { Draft } from "../core/state.js";
import { formatPciAddress, ridOf } from "../pci/address.js";
import { aerCapOffset, aerRecordUncorrectable, aerRootRecord } from "../pci/aer-capability.js";
import { PCI_EXP_CAP_BASE, configRead, configWrite, resetConfigSpace, setBarAddress, withHardwareWrites } from "../pci/config-space.js";
import { PCI_ERR_UNCOR_SEVER, PCI_COMMAND, PCI_COMMAND_IO, PCI_COMMAND_MASTER, PCI_COMMAND_MEMORY, PCI_ERR_UNC_MALF_TLP, PCI_ERR_UNC_SURPDN, PCI_EXP_LNKSTA, PCI_EXP_LNKSTA_DLLLA } from "../pci/regs.js";
import { isBridgeKind } from "../pci/topology.js";
import { m32CpuBase } from "./address-map.js";
import { disarmInjection } from "./err-inject.js";
import type { ErrorKind } from "./error-sources.js";
import type { PhbLayout } from "./layout.js";
import type { AccessOutcome, FunctionRef, Machine } from "./machine.js";
import type { HwEvent, MachineState, PhbMachineState } from "./machine-state.js";
import { PESTA_UTL_FATAL, PESTA_UTL_NONFATAL, TTYPE } from "./pest.js";
import type { ErrInjectRequest, ErrInjectResult } from "./phb-model.js";
import { clearErrorRegisters, clearFreeze, completeResetHw, fencePhb, modelOf, raiseError, setFreeze, type PhbState, type RaisedError } from "./phb-engine.js";

// ------------------------------------------------------------------ DMA and MMIO faults

/**
 * A DMA outside the function's IOMMU mappings: by default a write to the last page of its
 * 32-bit window, which no driver has mapped. Freezes the PE with a TCE page fault that
 * records the faulting address in PESTB.
 */
export function injectBadDma(m: Machine, ref: FunctionRef, pciAddr?: bigint, dir: "read" | "write" = "write"): AccessOutcome {
  const addr = pciAddr ?? (() => {
    const w = m.dmaWindow(ref);
    return w.base + w.size - 0x1000n;
  })();
  return m.dmaDetailed(ref, addr, 8, dir, 0xdeadbeefn);
}

/**
 * An MMIO load that no BAR decodes, inside the function's own PE: just past the end of
 * its first 32-bit (else 64-bit) BAR when that is still inside the PE's segment, else
 * the start of a segment of the reserved PE. The completion is UR and the PE freezes.
 */
export function injectMmioError(m: Machine, ref: FunctionRef): AccessOutcome {
  const { phbId, rid } = m.locate(ref);
  const pl = m.phbLayout(phbId);
  const bars = pl.barsByRid.get(rid) ?? [];
  const bar = bars.find((b) => b.type === "mem32") ?? bars.find((b) => b.type === "mem64");
  if (!bar) throw new ArgumentError(`${formatPciAddress(pl.fnByRid.get(rid)!.address)} has no memory BAR to aim an MMIO error at`);
  // The first address after the PE's last BAR of that type, in the same segment if possible.
  const samePe = pl.bars.filter((b) => b.pe === bar.pe && b.type === bar.type);
  const end = samePe.reduce((e, b) => (b.cpuStart + b.size > e ? b.cpuStart + b.size : e), 0n);
  return m.mmioLoadDetailed(end, 4);
}

/** An MMIO load to an M32 segment nobody owns (the reserved PE's): UR, the reserved PE freezes. */
export function injectMmioUnassigned(m: Machine, phbId: number): AccessOutcome {
  const hw = m.phbState(phbId).hw;
  const model = modelOf(hw);
  const nseg = Number(0x8000_0000n / model.m32SegmentSize);
  // The highest segment still below the MSI window that maps to the reserved PE.
  for (let seg = nseg - 2; seg >= 0; seg--) {
    if (model.m32SegmentPe(hw, seg) === model.reservedPe) {
      return m.mmioLoadDetailed(m32CpuBase(m.phbLayout(phbId).slot) + BigInt(seg) * model.m32SegmentSize, 4);
    }
  }
  throw new HardwareStateError(`PHB#${phbId.toString(16)} has no unassigned M32 segment`, { phb: phbId });
}

// ------------------------------------------------------------------ PCIe errors

/**
 * A function sends ERR_FATAL / ERR_NONFATAL: the root port logs it in its AER root
 * registers, and the PHB charges it to the PE of the message's RID (freeze + PELT-V).
 */
function pcieErrorMessage(p: Draft<PhbMachineState>, ev: HwEvent[], sourceRid: number, fatal: boolean): RaisedError {
  const root = p.functions[0];
  if (root && aerCapOffset(root.config) !== 0) {
    root.config = aerRootRecord(root.config, { kind: fatal ? "fatal" : "nonfatal", sourceRid }).cs;
  }
  const hw = p.hw as Draft<PhbState>;
  const pe = modelOf(hw).peForRid(hw as PhbState, sourceRid);
  const kind: ErrorKind = fatal ? "pcie-fatal" : "pcie-nonfatal";
  const r = raiseError(hw, kind, { pe, cause: { causeBits: fatal ? PESTA_UTL_FATAL : PESTA_UTL_NONFATAL, ttype: TTYPE.OTHER, rid: sourceRid }, log0: BigInt(sourceRid) });
  if (r.fenced) ev.push({ kind: "fence", phb: hw.id, error: kind });
  else if (r.frozen.length > 0) ev.push({ kind: "freeze", phb: hw.id, pe, frozen: r.frozen, error: kind, rid: sourceRid });
  else ev.push({ kind: "error-logged", phb: hw.id, error: kind, pe });
  return r;
}

/**
 * An uncorrectable error detected by a function (default Malformed TLP, fatal by the
 * default severity). Masked errors set the status bit and stay silent.
 */
export function injectPcieUe(m: Machine, ref: FunctionRef, bit: number = PCI_ERR_UNC_MALF_TLP, tlpHeader?: readonly number[]): { severity: "fatal" | "nonfatal" | "masked"; error?: RaisedError } {
  const { phbId, rid } = m.locate(ref);
  return m.apply((d, ev) => {
    const p = d.phbs[phbId]!;
    if (p.hw.broken) throw new HardwareStateError(`PHB#${phbId.toString(16)} is dead`, { phb: phbId });
    const fn = p.functions[rid]!;
    const rec = aerRecordUncorrectable(fn.config, bit, tlpHeader);
    fn.config = rec.cs;
    ev.push({ kind: "aer", phb: phbId, rid, bit, severity: rec.severity });
    if (rec.severity === "masked") return { severity: rec.severity };
    return { severity: rec.severity, error: pcieErrorMessage(p, ev, rid, rec.severity === "fatal") };
  });
}

/**
 * The link below a bridge port drops: the port loses Data Link Layer Link Active, logs a
 * Surprise Down UE and reports it; everything below becomes unreachable. `permanent`
 * keeps the link down across resets (a dead adapter).
 */
export function injectLinkDown(m: Machine, port: FunctionRef, opts: { permanent?: boolean } = {}): { severity: "fatal" | "nonfatal" | "masked"; error?: RaisedError } {
  const { phbId, rid, address } = m.locate(port);
  const pl = m.phbLayout(phbId);
  const spec = pl.fnByRid.get(rid)!;
  if (!isBridgeKind(spec.kind)) throw new ArgumentError(`${formatPciAddress(address)} is a ${spec.kind}, not a bridge port with a link below it`, { address: formatPciAddress(address) });
  return m.apply((d, ev) => {
    const p = d.phbs[phbId]!;
    if (p.hw.broken) throw new HardwareStateError(`PHB#${phbId.toString(16)} is dead`, { phb: phbId });
    const fn = p.functions[rid]!;
    fn.linkUp = false;
    fn.linkFaultPermanent = opts.permanent ?? false;
    fn.config = withHardwareWrites(fn.config, (r) => r.clear(PCI_EXP_CAP_BASE + PCI_EXP_LNKSTA, 2, PCI_EXP_LNKSTA_DLLLA));
    ev.push({ kind: "link-down", phb: phbId, port: rid, permanent: fn.linkFaultPermanent });
    const rec = aerRecordUncorrectable(fn.config, PCI_ERR_UNC_SURPDN);
    fn.config = rec.cs;
    ev.push({ kind: "aer", phb: phbId, rid, bit: PCI_ERR_UNC_SURPDN, severity: rec.severity });
    if (rec.severity === "masked") return { severity: rec.severity };
    return { severity: rec.severity, error: pcieErrorMessage(p, ev, rid, rec.severity === "fatal") };
  });
}

// ------------------------------------------------------------------ PHB-wide faults

/**
 * An internal PHB error whose bit is fence-enabled: the AIB fences, the PHB isolates
 * itself and every PE reads as stopped (§6.1). The LEM and PHB error group record it.
 */
export function injectFence(m: Machine, phbId: number): void {
  m.phbLayout(phbId);
  m.apply((d, ev) => {
    const hw = d.phbs[phbId]!.hw;
    if (hw.broken) throw new HardwareStateError(`PHB#${phbId.toString(16)} is dead`, { phb: phbId });
    const r = raiseError(hw, "phb-internal", { pe: 0, cause: { causeBits: 0n, ttype: TTYPE.OTHER } });
    if (!r.fenced) fencePhb(hw); // the routing always fences this bit; keep the promise regardless
    ev.push({ kind: "fence", phb: phbId, error: "phb-internal" });
  });
}

/** The PHB dies (skiboot `p->broken`): it answers nothing, firmware reads all ones. */
export function killPhb(m: Machine, phbId: number): void {
  m.phbLayout(phbId);
  m.apply((d, ev) => {
    d.phbs[phbId]!.hw.broken = true;
    ev.push({ kind: "dead", phb: phbId });
  });
}

// ------------------------------------------------------------------ firmware primitives

function checkPe(m: Machine, phbId: number, pe: number): void {
  const n = modelOf(m.phbState(phbId).hw).numPes;
  if (!Number.isInteger(pe) || pe < 0 || pe >= n) throw new ArgumentError(`PE ${pe} outside 0..${n - 1}`, { phb: phbId, pe });
}

/** Software freeze of one PE (OPAL_PCI_EEH_FREEZE_SET semantics: bit 0 of PESTA and/or PESTB). */
export function freezePe(m: Machine, phbId: number, pe: number, which: { mmio: boolean; dma: boolean }): void {
  checkPe(m, phbId, pe);
  m.apply((d) => setFreeze(d.phbs[phbId]!.hw, pe, which.mmio, which.dma));
}

/** Unfreeze (OPAL_PCI_EEH_FREEZE_CLEAR semantics: whole PEST words to zero). */
export function unfreezePe(m: Machine, phbId: number, pe: number, which: { mmio: boolean; dma: boolean }): void {
  checkPe(m, phbId, pe);
  m.apply((d) => clearFreeze(d.phbs[phbId]!.hw, pe, which.mmio, which.dma));
}

/** Arm the PAPR injection registers; nothing freezes until a matching transaction. */
export function armErrInject(m: Machine, phbId: number, req: ErrInjectRequest): ErrInjectResult {
  m.phbLayout(phbId);
  return m.apply((d, ev) => {
    const hw = d.phbs[phbId]!.hw;
    const r = modelOf(hw).errInject(hw as never, req, d.memory as MachineState["memory"]);
    if (r.ok) ev.push({ kind: "inject-armed", phb: phbId, pe: req.pe, ctl: r.ctl, addr: r.addr, mask: r.mask });
    return r;
  });
}

/** OPAL_RESET_PHB_ERROR: zero the PAPR injection registers. */
export function disarmErrInject(m: Machine, phbId: number): void {
  m.phbLayout(phbId);
  m.apply((d) => disarmInjection(d.phbs[phbId]!.hw.regs));
}

/** The ER-clear sequence's register effect (powernv-opal §6.4). */
export function clearPhbErrors(m: Machine, phbId: number): void {
  m.phbLayout(phbId);
  m.apply((d) => clearErrorRegisters(d.phbs[phbId]!.hw));
}

function resetFunction(pl: PhbLayout, p: Draft<PhbMachineState>, rid: number): void {
  const fn = p.functions[rid]!;
  fn.config = resetConfigSpace(pl.fnByRid.get(rid)!, fn.config);
  fn.mmio = {};
  if (!fn.linkFaultPermanent) fn.linkUp = true;
}

/**
 * Complete PHB reset (creset): PEST/PEEV, error and injection registers cleared, fence
 * lifted; the link is retrained, so every function below comes back at power-on values
 * (BARs zero). A dead PHB cannot be reset.
 */
export function completeReset(m: Machine, phbId: number): void {
  const pl = m.phbLayout(phbId);
  m.apply((d, ev) => {
    const p = d.phbs[phbId]!;
    if (p.hw.broken) throw new HardwareStateError(`PHB#${phbId.toString(16)} is dead; complete reset fails`, { phb: phbId });
    completeResetHw(p.hw);
    for (const key of Object.keys(p.functions)) {
      const rid = Number(key);
      if (rid === 0) {
        // The root port's link retrains; its own config survives (firmware re-inits it).
        const root = p.functions[0]!;
        if (!root.linkFaultPermanent) root.linkUp = true;
        continue;
      }
      resetFunction(pl, p, rid);
    }
    ev.push({ kind: "reset", phb: phbId, scope: "phb" });
  });
}

/**
 * Hot or fundamental reset of the secondary bus of a bridge: every function below it
 * returns to power-on values and links below retrain (unless permanently broken). PEST
 * is not touched — Linux keeps the PE frozen through the reset and thaws it after
 * restoring BARs (linux-eeh.md §3.10).
 */
export function resetBelow(m: Machine, bridge: FunctionRef): void {
  const { phbId, rid, address } = m.locate(bridge);
  const pl = m.phbLayout(phbId);
  const spec = pl.fnByRid.get(rid)!;
  if (!isBridgeKind(spec.kind) || spec.secondaryBus === undefined || spec.subordinateBus === undefined) {
    throw new ArgumentError(`${formatPciAddress(address)} is not a bridge; nothing below it to reset`);
  }
  const lo = spec.secondaryBus;
  const hi = spec.subordinateBus;
  m.apply((d, ev) => {
    const p = d.phbs[phbId]!;
    if (p.hw.broken) throw new HardwareStateError(`PHB#${phbId.toString(16)} is dead`, { phb: phbId });
    const br = p.functions[rid]!;
    if (!br.linkFaultPermanent) br.linkUp = true;
    for (const f of pl.spec.functions) {
      if (f.address.bus >= lo && f.address.bus <= hi) resetFunction(pl, p, ridOf(f.address));
    }
    ev.push({ kind: "reset", phb: phbId, scope: "bus", bridge: rid });
  });
}

/**
 * Put back a function's BARs and command register the way Linux does after a reset
 * (eeh_pe_restore_bars + restore_config): BAR addresses as assigned, decode and bus
 * mastering on.
 */
export function restoreBars(m: Machine, ref: FunctionRef): void {
  const { phbId, rid } = m.locate(ref);
  const pl = m.phbLayout(phbId);
  m.apply((d) => {
    const fn = d.phbs[phbId]!.functions[rid];
    if (!fn) throw new NotFoundError(`no function with RID ${rid.toString(16)}`);
    let cs = fn.config;
    const bars = pl.barsByRid.get(rid) ?? [];
    for (const b of bars) cs = setBarAddress(cs, b.bar, b.pciAddress);
    const io = bars.some((b) => b.type === "io") ? PCI_COMMAND_IO : 0;
    cs = configWrite(cs, PCI_COMMAND, 2, configRead(cs, PCI_COMMAND, 2) | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | io);
    fn.config = cs;
  });
}

/**
 * OPAL_RESET_PCI_IODA_TABLE (ioda_reset with purge, powernv-opal §1.3): RTT back to the
 * reserved PE, PELT-V cleared, TVT/M32DT/M64BT zeroed, PESTA/PESTB and PEEV zeroed. The
 * OS must reprogram every table afterwards; until then nothing routes to a PE.
 */
export function purgeIodaTables(m: Machine, phbId: number): void {
  const pl = m.phbLayout(phbId);
  m.apply((d) => {
    const p = d.phbs[phbId]!;
    if (p.hw.broken) throw new HardwareStateError(`PHB#${phbId.toString(16)} is dead`, { phb: phbId });
    const fresh = modelOf(p.hw).create(pl.spec, pl.slot);
    // Keep what is not an IODA table: error registers, fence and dead state.
    const old = p.hw;
    const kept = old.model === "ioda2" ? { nfir: old.nfir, nfirMask: old.nfirMask, nfirWof: old.nfirWof } : { fenceShadow: old.fenceShadow };
    p.hw = { ...fresh, regs: old.regs, broken: old.broken, ...kept } as Draft<PhbState>;
  });
}

/** Function-level reset (FLR) of one function: power-on config values, registers cleared. */
export function functionLevelReset(m: Machine, ref: FunctionRef): void {
  const { phbId, rid } = m.locate(ref);
  const pl = m.phbLayout(phbId);
  m.apply((d) => {
    const p = d.phbs[phbId]!;
    if (p.hw.broken) throw new HardwareStateError(`PHB#${phbId.toString(16)} is dead`, { phb: phbId });
    const fn = p.functions[rid]!;
    fn.config = resetConfigSpace(pl.fnByRid.get(rid)!, fn.config);
    fn.mmio = {};
  });
}

/** The bridge port whose link feeds `device`'s bus (the port a link-down fault takes down). */
export function portAbove(m: Machine, device: FunctionRef): string {
  const { phbId, rid } = m.locate(device);
  const pl = m.phbLayout(phbId);
  const up = pl.bridgeForBus.get(rid >> 8);
  if (up === undefined) throw new ArgumentError(`${typeof device === "string" ? device : formatPciAddress(device)} has no port above it to lose a link`, { device });
  return formatPciAddress(pl.fnByRid.get(up)!.address);
}

/** Program one bit of the device's AER UE severity register (fatal = 1), as a driver or aer-inject would. No AER capability: nothing to program. */
export function setUeSeverity(m: Machine, device: FunctionRef, bit: number, severity: "fatal" | "nonfatal"): void {
  const { phbId, rid } = m.locate(device);
  const aer = aerCapOffset(m.phbState(phbId).functions[rid]!.config);
  if (!aer) return;
  const at = aer + PCI_ERR_UNCOR_SEVER;
  const v = m.configRead(device, at, 4);
  m.configWrite(device, at, 4, (severity === "fatal" ? v | bit : v & ~bit) >>> 0);
}
