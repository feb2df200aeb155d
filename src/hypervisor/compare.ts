// Run one fault under each hypervisor model and report them side by side (issue 7
// "Comparison"): the same device, the same error, the same guest driver answers —
//
//   eeh-vfio       PowerNV host (IODA2 PHB, OPAL, EEH core). The UE goes through the
//                  device's AER registers to the root port and becomes a freeze of its PE
//                  (aer-xen.md §3.1); no AER driver runs. The guest's recovery is run by the
//                  EEH core with the guest's driver as the device's driver: a pSeries guest
//                  runs the same eeh_handle_normal_event over RTAS → VFIO_EEH_PE_OP, but
//                  DESIGN.md's layers keep this module from importing its sibling vfio/
//                  (the test suite checks the VFIO path gives the guest the same callbacks).
//   xen-pciback    x86-like host, dom0 native AER with pciback, a PV (or HVM) guest with
//                  pcifront (xen/).
//   qemu-vfio-aer  x86-like host, native AER with vfio-pci, a QEMU VM (qemu/): vm_stop in
//                  mainline, or one of the seed's forwarding modes.
//
// The native-AER hosts come from `kit.nativeAer` (e.g. the aer layer's createAerHost),
// handed in for the same reason. For each: what the guest saw (driver callbacks with their answers, and state changes),
// whether it survived (still running with its device back in service), the host's log
// lines, and the time from the fault to the device being back in service on the virtual
// clock.

import { VirtualClock } from "../core/clock.js";
import { allOnes } from "../core/bits.js";
import { EehError } from "../core/errors.js";
import { EehCore } from "../eeh/eeh-core.js";
import { HostLog } from "../eeh/host-log.js";
import { CHANNEL_NAMES, resultName, scriptedDriver, type PciDriver, type PciErsResult, type ScriptedAnswers } from "../eeh/driver.js";
import { Machine } from "../ioda/machine.js";
import { injectLinkDown, injectPcieUe, portAbove, setUeSeverity } from "../ioda/faults.js";
import { OpalFirmware } from "../platform/powernv/opal.js";
import { PnvEehOps } from "../platform/powernv/pnv-eeh-ops.js";
import { decodePhbDiag } from "../log/opal/decode.js";
import type { AerLogFormat } from "../log/aer/names.js";
import { resolveAerError, type AerErrorKind } from "../log/aer/error-names.js";
import { MachineBuilder } from "../pci/builder.js";
import { formatPciAddress, parsePciAddress } from "../pci/address.js";
import { aerRecordCorrectable } from "../pci/aer-capability.js";
import { PCI_VENDOR_ID } from "../pci/regs.js";
import type { MachineSpec } from "../pci/topology.js";
import type { NativeAerCore, NativeAerFactory } from "./host-kernel.js";
import { XenHost } from "./xen/xen-host.js";
import type { ToolstackPolicy, XenDomainType } from "./xen/domain.js";
import { XEN_PCI_OP_NAMES } from "./xen/pciif.js";
import { QemuHost } from "./qemu/qemu-host.js";
import type { ManagementPolicy, QemuAerMode } from "./qemu/qemu-vm.js";

export type HypervisorModel = "eeh-vfio" | "xen-pciback" | "qemu-vfio-aer";
export const HYPERVISOR_MODELS: readonly HypervisorModel[] = ["eeh-vfio", "xen-pciback", "qemu-vfio-aer"];

export interface CompareFault {
  /** The device the error is on (`dddd:bb:dd.f`); for link-down, the port above it loses its link. */
  readonly device: string;
  /** An aer-inject symbol, a kernel bit name, or "link-down" (error-kind.ts). */
  readonly error: string;
  /** Program the device's UE severity register for this bit first (default: the register as it is). */
  readonly severity?: "fatal" | "nonfatal";
  /** TLP header the device logs (header-logging UEs). */
  readonly tlpHeader?: readonly number[];
}

export interface CompareInput {
  readonly fault: CompareFault;
  /** The guest driver: its scripted answers; null = no driver bound in the guest. */
  readonly driver?: (GuestDriverAnswers & { readonly name?: string }) | null;
  readonly models?: readonly HypervisorModel[];
  /** The machine (default: one IODA2 PHB, a switch, two endpoints at 03:00.0 and 04:00.0). */
  readonly machine?: MachineSpec;
  readonly xen?: {
    readonly toolstack?: ToolstackPolicy;
    readonly guest?: XenDomainType;
    /** pcifront commands the guest never answers (aer_detected, aer_mmio, aer_slotreset, aer_resume). */
    readonly stall?: readonly string[];
  };
  readonly qemu?: { readonly mode?: QemuAerMode; readonly management?: ManagementPolicy };
  /** Printout generation of the AER hosts' lines (default "mainline"). */
  readonly aerFormat?: AerLogFormat;
}

/** Scripted answers of the guest driver (eeh/driver.ts), plus cor_error_detected. */
export interface GuestDriverAnswers extends ScriptedAnswers {
  readonly corErrorDetected?: boolean;
}

/** A synchronous driver: what the EEH core (PciDriver) and the AER core both call. */
export type GuestDriver = PciDriver & { corErrorDetected?(dev: Parameters<NonNullable<PciDriver["resume"]>>[0]): void };

/** What the comparison needs from the layers beside it. */
export interface CompareKit {
  /** A native AER core (dom0, the KVM host, and guest kernels in QEMU's forwarding modes). */
  readonly nativeAer: NativeAerFactory;
}

export interface GuestObservation {
  readonly time: number;
  readonly what: string;
}

export interface ModelReport {
  readonly model: HypervisorModel;
  readonly platform: string;
  /** One line on what the host did. */
  readonly hostHandling: string;
  /** Driver callbacks (with answers) and state changes, in order. */
  readonly guestSaw: readonly GuestObservation[];
  readonly guestState: string;
  readonly guestRunning: boolean;
  /** Guest still running (not killed, paused or rebooted) and its device back in service. */
  readonly survived: boolean;
  /** Virtual ms from the fault to the device back in service in the guest (undefined: never). */
  readonly recoveryMs: number | undefined;
  readonly hostLog: readonly string[];
  readonly guestLog: readonly string[];
  readonly notes: readonly string[];
}

export interface ComparisonReport {
  readonly fault: CompareFault & { readonly kind: AerErrorKind["kind"]; readonly bit?: number };
  readonly driver: string;
  readonly models: readonly ModelReport[];
}

/** The default machine: IODA2 PHB, root port, a 2-port switch, an Intel 82599 under each port. */
export function defaultCompareMachine(): MachineSpec {
  return new MachineBuilder()
    .phb({ model: "ioda2" }, (root) =>
      root.switch({ downstreamPorts: 2 }, (ports) => {
        ports[0]!.endpoint({ label: "eth0" });
        ports[1]!.endpoint({ label: "eth1" });
      }),
    )
    .build();
}

/** A driver that records every callback with its virtual time and answer (synchronous). */
export function recordingDriver(inner: GuestDriver, clock: VirtualClock, sink: GuestObservation[]): GuestDriver {
  const rec = (what: string, r?: PciErsResult): void => void sink.push({ time: clock.now(), what: r === undefined ? what : `${what} → '${resultName(r)}'` });
  const d: { -readonly [K in keyof GuestDriver]: GuestDriver[K] } = { name: inner.name };
  const ed = inner.errorDetected;
  const me = inner.mmioEnabled;
  const sr = inner.slotReset;
  const rs = inner.resume;
  const ce = inner.corErrorDetected;
  if (ed) d.errorDetected = (h, st) => { const r = ed.call(inner, h, st); rec(`error_detected(${CHANNEL_NAMES[st]})`, r); return r; };
  if (me) d.mmioEnabled = (h) => { const r = me.call(inner, h); rec("mmio_enabled", r); return r; };
  if (sr) d.slotReset = (h) => { const r = sr.call(inner, h); rec("slot_reset", r); return r; };
  if (rs) d.resume = (h) => { rs.call(inner, h); rec("resume"); };
  if (ce) d.corErrorDetected = (h) => { ce.call(inner, h); rec("cor_error_detected"); };
  return d;
}

/** A scripted driver (eeh/driver.ts) that can also take cor_error_detected. */
export function scriptedGuestDriver(name: string, answers: GuestDriverAnswers): GuestDriver {
  const d: GuestDriver & { calls: string[] } = scriptedDriver(name, answers);
  if (answers.corErrorDetected) d.corErrorDetected = () => void d.calls.push("cor_error_detected");
  return d;
}

interface Ctx {
  readonly kit: CompareKit;
  readonly input: CompareInput;
  readonly kind: AerErrorKind;
  readonly device: string;
  readonly spec: MachineSpec;
}

export async function compareModels(input: CompareInput, kit: CompareKit): Promise<ComparisonReport> {
  const kind = resolveAerError(input.fault.error);
  const spec = input.machine ?? defaultCompareMachine();
  const device = formatPciAddress(parsePciAddress(input.fault.device));
  // Fail early, with the address, when the device is not in the machine.
  Machine.build(spec).locate(device);
  const ctx: Ctx = { kit, input, kind, device, spec };
  const models: ModelReport[] = [];
  for (const m of input.models ?? HYPERVISOR_MODELS) {
    models.push(m === "eeh-vfio" ? await runEehVfio(ctx) : m === "xen-pciback" ? await runXen(ctx) : await runQemu(ctx));
  }
  const d = input.driver;
  return {
    fault: { ...input.fault, device, kind: kind.kind, ...(kind.kind !== "link-down" ? { bit: kind.bit } : {}) },
    driver: d === null ? "(no driver)" : `${d?.name ?? "guestdrv"}${describeAnswers(d ?? {})}`,
    models,
  };
}

function describeAnswers(a: GuestDriverAnswers): string {
  const parts: string[] = [];
  if (a.errorDetected) parts.push(`error_detected: ${a.errorDetected}`);
  if (a.mmioEnabled) parts.push(`mmio_enabled: ${a.mmioEnabled}`);
  if (a.slotReset) parts.push(`slot_reset: ${a.slotReset}`);
  if (a.resume ?? (a.errorDetected || a.mmioEnabled || a.slotReset)) parts.push("resume");
  if (a.corErrorDetected) parts.push("cor_error_detected");
  return parts.length ? ` (${parts.join(", ")})` : " (no error handlers)";
}

function guestDriver(ctx: Ctx, clock: VirtualClock, sink: GuestObservation[]): GuestDriver | undefined {
  const d = ctx.input.driver;
  if (d === null) return undefined;
  const { name, ...answers } = d ?? {};
  return recordingDriver(scriptedGuestDriver(name ?? "guestdrv", answers), clock, sink);
}

/** Program the UE severity bit of the fault, when the input asks for a severity. */
function setSeverity(m: Machine, ctx: Ctx): void {
  const sev = ctx.input.fault.severity;
  if (sev && ctx.kind.kind === "uncorrectable") setUeSeverity(m, ctx.device, ctx.kind.bit, sev);
}

/** Reachable and decoding: vendor id readable and BAR 0 not all ones. */
function deviceUsable(m: Machine, device: string): boolean {
  try {
    if (m.configRead(device, PCI_VENDOR_ID, 2) === 0xffff) return false; // master abort / dead link
    const { phbId, rid } = m.locate(device);
    const bar = m.phbLayout(phbId).barsByRid.get(rid)?.[0];
    if (!bar) return true;
    return m.mmioLoadDetailed(bar.cpuStart, 4).value !== allOnes(4);
  } catch (e) {
    if (e instanceof EehError) return false;
    throw e;
  }
}

/** Inject the fault into a native-AER host. */
function injectAer(aer: NativeAerCore, ctx: Ctx): void {
  const k = ctx.kind;
  if (k.kind === "uncorrectable") aer.injectUncorrectable(ctx.device, k.bit, ctx.input.fault.tlpHeader);
  else if (k.kind === "correctable") aer.injectCorrectable(ctx.device, k.bit);
  else aer.injectLinkDown(portAbove(aer.machine, ctx.device));
}

function aerHostSummary(aer: NativeAerCore, kind: AerErrorKind): string {
  const r = aer.recoveries[aer.recoveries.length - 1];
  if (kind.kind === "correctable") return `AER correctable: logged and cleared by ${aer.events.some((e) => e.step === "correctable") ? "the root port driver" : "nobody (not reported)"}; no recovery`;
  if (!r) return "AER: no error message reached the root port (masked or not reported)";
  const reset = r.resetRc !== undefined ? `, link reset of ${r.bridge} (rc ${r.resetRc})` : "";
  return `AER ${r.severity === "fatal" ? "fatal" : "non-fatal"}: pcie_do_recovery under ${r.bridge}${reset} → ${r.outcome} ('${resultName(r.status)}')`;
}

// ------------------------------------------------------------------ eeh-vfio

async function runEehVfio(ctx: Ctx): Promise<ModelReport> {
  const m = Machine.build(ctx.spec);
  const clock = new VirtualClock();
  const log = new HostLog(clock);
  const saw: GuestObservation[] = [];
  const drv = guestDriver(ctx, clock, saw);
  const opal = new OpalFirmware(m, clock);
  const ops = new PnvEehOps(opal, clock, log);
  const core = new EehCore(m, clock, ops, log, { drivers: drv ? { [ctx.device]: drv } : {} });
  const notes: string[] = ["the guest's EEH recovery is run by the EEH core with the guest's driver (same eeh_handle_normal_event a pSeries guest runs over VFIO)"];
  setSeverity(m, ctx);
  const t0 = clock.now();
  const k = ctx.kind;
  let hostHandling: string;
  const frozen = (pes: readonly number[] | undefined): string => (pes?.length ? ` ${pes.map((p) => `PE#${p.toString(16)}`).join(",")}` : "");
  if (k.kind === "uncorrectable") {
    const r = injectPcieUe(m, ctx.device, k.bit, ctx.input.fault.tlpHeader);
    hostHandling = r.severity === "masked" ? "UE masked on the device: no message, nothing freezes" : `ERR_${r.severity === "fatal" ? "FATAL" : "NONFATAL"} → the PHB froze${frozen(r.error?.frozen)}`;
  } else if (k.kind === "correctable") {
    const { phbId, rid } = m.locate(ctx.device);
    const rec = m.apply((d) => {
      const fn = d.phbs[phbId]!.functions[rid]!;
      const r = aerRecordCorrectable(fn.config, k.bit);
      fn.config = r.cs;
      return r.severity;
    });
    hostHandling = rec === "masked" ? "CE masked: status bit only" : "ERR_COR: no AER driver on PowerNV and no freeze; the CE status bit stays set";
  } else {
    const port = portAbove(m, ctx.device);
    const r = injectLinkDown(m, port);
    hostHandling = `link down below ${port}: Surprise Down → the PHB froze${frozen(r.error?.frozen)}`;
  }
  // Root-port AER words as the PHB diag blob carries them (§3.1).
  const { phbId } = m.locate(ctx.device);
  const size = opal.diagDataSize(phbId);
  if (size !== undefined) {
    const diag = opal.getPhbDiagData2(phbId, size);
    if (diag.buffer) {
      const d = decodePhbDiag(diag.buffer);
      notes.push(`PHB diag blob, root port AER: RootErrSts ${hex8(d.rootErrorStatus)} UE ${hex8(d.uncorrErrorStatus)} CE ${hex8(d.corrErrorStatus)} source ${hex8(d.sourceId)}`);
    }
  }
  await core.settle();
  const outcome = core.outcomes[core.outcomes.length - 1];
  for (const e of core.events) {
    if (e.step === "hotplug-remove" && e.device === ctx.device) saw.push({ time: e.time, what: "device hot-removed (driver not EEH aware, or no driver)" });
    if (e.step === "hotplug-add" && e.device === ctx.device) saw.push({ time: e.time, what: "device re-added and re-probed" });
  }
  if (outcome?.outcome === "recovered") {
    hostHandling += `; EEH recovered ${core.peName(outcome.pe)}`;
    saw.push({ time: outcome.time, what: "EEH: Recovery successful" });
  } else if (outcome?.outcome === "failed") {
    hostHandling += `; EEH gave up on ${core.peName(outcome.pe)} (device removed)`;
    saw.push({ time: outcome.time, what: "EEH: permanent failure, device removed" });
  }
  const recovered = outcome === undefined || outcome.outcome === "recovered";
  const usable = deviceUsable(m, ctx.device);
  if (!usable) notes.push("device still unusable after the run");
  saw.sort((a, b) => a.time - b.time);
  return {
    model: "eeh-vfio",
    platform: "PowerNV (IODA2 PHB, OPAL, EEH); pSeries guest owning the PE",
    hostHandling,
    guestSaw: saw,
    guestState: recovered ? "running" : "running, device permanently failed (removed)",
    guestRunning: true,
    survived: recovered && usable,
    recoveryMs: recovered && usable ? (outcome ? outcome.time - t0 : 0) : undefined,
    hostLog: log.dmesg(),
    guestLog: [],
    notes,
  };
}

// ------------------------------------------------------------------ xen-pciback

async function runXen(ctx: Ctx): Promise<ModelReport> {
  const m = Machine.build(ctx.spec);
  const clock = new VirtualClock();
  const log = new HostLog(clock);
  const dom0 = ctx.kit.nativeAer(m, clock, log, { format: ctx.input.aerFormat ?? "mainline" });
  const xen = new XenHost(dom0, clock, { toolstack: ctx.input.xen?.toolstack ?? "xend" });
  const saw: GuestObservation[] = [];
  const type = ctx.input.xen?.guest ?? "pv";
  const vm = xen.createGuest(1, "vm1", type);
  const stall = new Set((ctx.input.xen?.stall ?? []).map((s) => s.replace(/^XEN_PCI_OP_/i, "").toLowerCase()));
  const drv = guestDriver(ctx, clock, saw);
  xen.passthrough(ctx.device, vm, { ...(drv ? { driver: drv } : {}), frontend: { stall: (cmd) => stall.has(XEN_PCI_OP_NAMES[cmd] ?? "") } });
  setSeverity(m, ctx);
  const t0 = clock.now();
  injectAer(dom0, ctx);
  await dom0.settle();
  const front = xen.frontends.get(1);
  for (const c of xen.pciback.records) {
    if (c.outcome === "timeout") saw.push({ time: (c.done ?? c.time), what: `(pciback gave up waiting for ${c.step} after ${((c.done ?? c.time) - (c.sent ?? c.time)) / 1000} s)` });
  }
  for (const c of front?.calls ?? []) if (c.outcome !== "answered" || !c.callback) saw.push({ time: c.time, what: c.outcome === "answered" ? `pcifront ${c.command}: no handler called → '${c.result}'` : `pcifront ${c.command}: ${c.outcome === "oops" ? "kernel oops (NULL handler)" : "request never serviced"}` });
  if (vm.stoppedAt !== undefined) saw.push({ time: vm.stoppedAt, what: `domain ${vm.state} (${vm.stopReason})` });
  saw.sort((a, b) => a.time - b.time);
  const r = dom0.recoveries[dom0.recoveries.length - 1];
  const hostOk = ctx.kind.kind === "correctable" ? true : r?.outcome === "recovered";
  const usable = deviceUsable(m, ctx.device);
  const survived = vm.running && !vm.oopsed && hostOk && usable;
  const kills = xen.pciback.kills;
  return {
    model: "xen-pciback",
    platform: `x86 native AER, Xen dom0 pciback → ${type.toUpperCase()} guest${type === "pv" ? " pcifront" : ""} (toolstack ${xen.toolstack.policy})`,
    hostHandling: `${aerHostSummary(dom0, ctx.kind)}${kills.length ? `; pciback wrote aerState=aerfail ×${kills.length}` : ""}`,
    guestSaw: saw,
    guestState: vm.running ? (vm.oopsed ? "running (oopsed in pcifront)" : "running") : `${vm.state} (${vm.stopReason})`,
    guestRunning: vm.running,
    survived,
    recoveryMs: survived ? (ctx.kind.kind === "correctable" || !r ? 0 : r.end - t0) : undefined,
    hostLog: mergeLogs(log, xen.toolstack.log),
    guestLog: vm.log.dmesg(),
    notes: kills.length && xen.toolstack.policy === "xl" ? ["xl has no aerState watch: the guest keeps running after aerfail"] : [],
  };
}

// ------------------------------------------------------------------ qemu-vfio-aer

async function runQemu(ctx: Ctx): Promise<ModelReport> {
  const m = Machine.build(ctx.spec);
  const clock = new VirtualClock();
  const log = new HostLog(clock);
  const host = ctx.kit.nativeAer(m, clock, log, { format: ctx.input.aerFormat ?? "mainline" });
  const kvm = new QemuHost(host, clock, ctx.kit.nativeAer);
  const mode = ctx.input.qemu?.mode ?? "vm-stop";
  const vm = kvm.createVm("vm1", { aerMode: mode, management: ctx.input.qemu?.management ?? "leave-paused" });
  const saw: GuestObservation[] = [];
  const drv = guestDriver(ctx, clock, saw);
  kvm.assign(ctx.device, vm, { ...(drv ? { driver: drv } : {}) });
  kvm.start(vm);
  setSeverity(m, ctx);
  const t0 = clock.now();
  injectAer(host, ctx);
  await host.settle();
  if (vm.guest) await vm.guest.aer.settle();
  await clock.runUntilIdle();
  // QEMU acts before the guest hears anything: at equal times its events come first.
  const qmpSaw: GuestObservation[] = [];
  for (const e of vm.qmp) {
    if (e.event === "STOP") qmpSaw.push({ time: e.time, what: "VM paused by vm_stop (runstate internal-error); no error reaches the guest" });
    else if (e.event === "RESET") qmpSaw.push({ time: e.time, what: "system_reset: the guest reboots" });
    else if (e.event === "QMP_ERROR") qmpSaw.push({ time: e.time, what: `management 'cont' refused: ${String(e.data?.["desc"])}` });
    else if (e.event === "SHUTDOWN") qmpSaw.push({ time: e.time, what: "VM destroyed by management" });
    else if (e.event === "AER_FORWARDED") qmpSaw.push({ time: e.time, what: `QEMU injects the error into the guest's virtual root port (${String(e.data?.["guest"])})` });
  }
  saw.unshift(...qmpSaw);
  saw.sort((a, b) => a.time - b.time);
  const hostR = host.recoveries[host.recoveries.length - 1];
  const guestR = vm.guest?.aer.recoveries[vm.guest.aer.recoveries.length - 1];
  const running = vm.runstate === "running" && vm.boots === 1;
  const hostOk = ctx.kind.kind === "correctable" || hostR?.outcome === "recovered";
  const usable = deviceUsable(m, ctx.device);
  const forwarded = vm.qmp.some((e) => e.event === "AER_FORWARDED");
  // Not told (no eventfd) is survivable for a non-fatal error; a link reset under the guest is not.
  const guestOk = forwarded ? guestR?.outcome === "recovered" : ctx.kind.kind === "correctable" || (!vm.devices[0]?.pciAer && hostR?.resetRc === undefined);
  const survived = running && hostOk && usable && guestOk;
  const notes: string[] = [];
  if (!vm.devices[0]?.pciAer) notes.push("no error eventfd: QEMU never learns of the error; the host reset the device under the guest");
  if (ctx.kind.kind !== "correctable" && !forwarded && running && hostR?.resetRc !== undefined) notes.push("the guest keeps running on a device whose link the host reset: its driver state is lost");
  if (vm.hostResets.length) notes.push(`host resets caused by the guest: ${vm.hostResets.map((r) => `${r.kind} of ${r.device}`).join(", ")}`);
  const end = forwarded ? guestR?.end : hostR?.end;
  return {
    model: "qemu-vfio-aer",
    platform: `x86 native AER, vfio-pci → QEMU VM (${mode}, management ${ctx.input.qemu?.management ?? "leave-paused"})`,
    hostHandling: aerHostSummary(host, ctx.kind),
    guestSaw: saw,
    guestState: vm.boots > 1 ? `${vm.runstate} (rebooted)` : vm.runstate,
    guestRunning: vm.runstate === "running",
    survived,
    recoveryMs: survived ? (end === undefined ? 0 : end - t0) : undefined,
    hostLog: mergeLogs(log, vm.stderr),
    guestLog: vm.guestLog.dmesg(),
    notes,
  };
}

/** The host kernel log with other host-side lines (toolstack, QEMU stderr) merged in by time. */
function mergeLogs(log: HostLog, extra: readonly { readonly time: number; readonly line: string }[]): string[] {
  const all = [...log.records.map((r, i) => ({ time: r.time, line: r.line, order: i })), ...extra.map((e, i) => ({ time: e.time, line: e.line, order: log.records.length + i }))];
  all.sort((a, b) => a.time - b.time || a.order - b.order);
  return all.map((r) => `[${(r.time / 1000).toFixed(6).padStart(12)}] ${r.line}`);
}

function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, "0");
}
