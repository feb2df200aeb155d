// `eeh-emu demo`: a short built-in machine — one IODA2 PHB with a switch and three
// devices, one IODA1 PHB with two — taken through a bad DMA and an MMIO error, told as
// a story: which PE froze and why, what loads return, what the PEST words say.

import { hex } from "../core/bits.js";
import { MachineBuilder } from "../pci/builder.js";
import { formatPciAddress } from "../pci/address.js";
import { Machine } from "../ioda/machine.js";
import { injectBadDma, injectMmioError, unfreezePe } from "../ioda/faults.js";
import { modelOf } from "../ioda/phb-engine.js";
import { describePest } from "./format-pest.js";
import { peTypeNames } from "../ioda/pe/pe-flags.js";
import type { HwEvent } from "../ioda/machine-state.js";
import { VirtualClock } from "../core/clock.js";
import { OpalFirmware } from "../platform/powernv/opal.js";
import { PnvEehOps } from "../platform/powernv/pnv-eeh-ops.js";
import { EehCore } from "../eeh/eeh-core.js";
import { HostLog } from "../eeh/host-log.js";
import { scriptedDriver } from "../eeh/driver.js";
import { decodePhbDiag } from "../log/opal/decode.js";
import { interpretPhbDiag } from "../log/interpret/interpret.js";
import { scenarioStories } from "./demo-scenarios.js";

export function demoMachine(): Machine {
  const spec = new MachineBuilder()
    .phb({ model: "ioda2", id: 0, domain: 0, location: "U78C9.001.WZS0001-P1" }, (root) => {
      root.switch({ downstreamPorts: 3 }, (ports) => {
        ports[0]!.endpoint({ vendorId: 0x15b3, deviceId: 0x1013, classCode: 0x020000, label: "eth0", bars: [{ type: "mem32", size: 0x10000 }, { type: "mem64", size: 0x200000 }] });
        ports[1]!.endpoint({ vendorId: 0x144d, deviceId: 0xa808, classCode: 0x010802, label: "nvme0", bars: [{ type: "mem32", size: 0x4000 }] });
        ports[2]!.endpoint({ vendorId: 0x10de, deviceId: 0x1db4, classCode: 0x030200, label: "gpu0", bars: [{ type: "mem32", size: 0x1000000 }, { type: "mem64", size: 0x8000000 }] });
      });
    })
    .phb({ model: "ioda1", id: 1, domain: 1, location: "U78AB.001.WZS0002-P1" }, (root) => {
      root.switch({ downstreamPorts: 2 }, (ports) => {
        ports[0]!.endpoint({ vendorId: 0x1077, deviceId: 0x2532, classCode: 0x0c0400, label: "fc0", bars: [{ type: "mem32", size: 0x4000 }] });
        ports[1]!.endpoint({ vendorId: 0x8086, deviceId: 0x10fb, classCode: 0x020000, label: "eth1", bars: [{ type: "mem32", size: 0x80000 }] });
      });
    })
    .build();
  return Machine.build(spec);
}

function label(m: Machine, phb: number, rid: number): string {
  const f = m.phbLayout(phb).fnByRid.get(rid);
  return f ? `${formatPciAddress(f.address)}${f.label ? ` (${f.label})` : ""}` : `RID ${hex(rid, 4)}`;
}

function pe(phb: number, n: number): string {
  return `PHB#${phb.toString(16)}-PE#${n.toString(16)}`;
}

function describeMachine(m: Machine): string[] {
  const out: string[] = [];
  for (const [id, pl] of m.layout.phbs) {
    const model = modelOf(pl.spec);
    out.push(`  PHB#${id.toString(16)}  ${pl.spec.model.toUpperCase()} (${model.chip}), ${model.numPes} PEs, reserved PE#${model.reservedPe.toString(16)}`);
    for (const p of pl.plan.pes) {
      const who = p.rids.map((r) => label(m, id, r)).join(", ");
      out.push(`    PE#${p.pe.toString(16).padEnd(3)} ${peTypeNames(p.eehType).join("|").padEnd(6)} bus ${hex(p.bus, 2)}  ${who}`);
    }
  }
  return out;
}

function pestLines(m: Machine, phb: number, n: number): string[] {
  const hw = m.phbState(phb).hw;
  const a = hw.pestA[n]!;
  const b = hw.pestB[n]!;
  const d = describePest(a, b);
  return [`       PESTA[${n.toString(16)}] = ${hex(a, 16)}  ${d.a}`, `       PESTB[${n.toString(16)}] = ${hex(b, 16)}  ${d.b}`];
}

function freezeLine(e: HwEvent | undefined): string {
  if (!e || e.kind !== "freeze") return "     → no freeze";
  const collateral = e.frozen.filter((p) => p !== e.pe);
  return `     → ${e.error}: ${pe(e.phb, e.pe)} frozen (MMIO and DMA)${collateral.length ? `, with PELT-V domain ${collateral.map((p) => `PE#${p.toString(16)}`).join(" ")}` : ""}`;
}

function load(m: Machine, who: string, dev: string, bar: number): string {
  const addr = m.barCpuAddress(dev, bar);
  const v = m.mmioLoad(addr, 4);
  const note = v === 0xffffffffn ? "all ones: the PE is frozen" : "the device answers";
  return `     load32 ${who} BAR${bar} @0x${addr.toString(16)} → 0x${hex(v, 8)}  (${note})`;
}

/** Step 4: the same bad DMA on a fresh machine, found and recovered by the EEH core. */
async function recoveryLines(): Promise<string[]> {
  const m = demoMachine();
  const clock = new VirtualClock();
  const log = new HostLog(clock);
  const opal = new OpalFirmware(m, clock);
  const nvme = "0000:04:00.0";
  const drv = scriptedDriver("nvme", { errorDetected: "need reset", slotReset: "recovered" });
  const core = new EehCore(m, clock, new PnvEehOps(opal, clock, log), log, { drivers: { [nvme]: drv } });
  injectBadDma(m, nvme);
  core.readMmio(nvme, 0, 0n, 4);
  await core.settle();
  const out = ["4. Linux EEH on PowerNV: the nvme driver reads all ones, the core confirms the freeze and recovers"];
  const interesting = /EEH: (Recovering|Notify|Reset|Recovery|Collect)|driver reports|Diag-data|PE\[/;
  out.push(...log.dmesg().filter((l) => interesting.test(l)).map((l) => `     ${l}`));
  const blob = opal.diagLog[0];
  if (blob) out.push(`     the diag blob captured at freeze time reads: ${interpretPhbDiag(decodePhbDiag(blob.bytes)).headline}`);
  out.push(`     driver calls: ${drv.calls.join(" → ")}; nvme0 BAR0 now reads 0x${core.readMmio(nvme, 0, 0n, 4).toString(16)}`);
  return out;
}

export async function demoText(): Promise<string[]> {
  const lines = demoLines();
  const tail = lines.splice(lines.length - 2, 2);
  return [...lines, "", ...(await recoveryLines()), ...tail, "", ...(await scenarioStories(5))];
}

export function demoLines(): string[] {
  const m = demoMachine();
  const out: string[] = [];
  out.push("eeh-emu demo: two PHBs, a bad DMA and an MMIO error", "", "The machine (PE assignment as Linux does it on PowerNV):");
  out.push(...describeMachine(m), "");

  // 1. A DMA nobody mapped, on IODA2.
  const nvme = "0000:04:00.0";
  const w = m.dmaWindow(nvme);
  const bad = w.base + w.size - 0x1000n;
  const nvmePe = m.peOf(nvme).pe;
  out.push(`1. ${label(m, 0, 0x0400)} DMA-writes to 0x${bad.toString(16)}, a page its driver never mapped`);
  const r1 = injectBadDma(m, nvme, bad);
  out.push(freezeLine(m.events.at(-1)));
  out.push(`     IOMMU fault (TVE → TCE table, no valid TCE) at 0x${bad.toString(16)}`);
  out.push(...pestLines(m, 0, nvmePe));
  out.push(load(m, "nvme0", nvme, 0));
  out.push(load(m, "eth0 ", "0000:03:00.0", 0));
  m.mapDma(nvme, w.base, 0x100000n, "rw");
  const again = m.dmaWrite(nvme, w.base, 8, 0x1234n);
  out.push(`     DMA write by nvme0 to a mapped page → ${again.blocked === "frozen" ? "dropped (DMA stopped)" : "landed"}`);
  void r1;
  out.push("");

  // 2. An MMIO access nothing decodes, on IODA1.
  const fc = "0001:03:00.0";
  const fcPe = m.peOf(fc).pe;
  out.push(`2. the driver of ${label(m, 1, 0x0300)} loads past the end of its BAR0 (nothing decodes it)`);
  injectMmioError(m, fc);
  out.push(freezeLine(m.events.at(-1)));
  out.push(`     the completion was UR: outbound error, PESTA records an MMIO load`);
  out.push(...pestLines(m, 1, fcPe));
  out.push(load(m, "fc0  ", fc, 0));
  out.push(load(m, "eth1 ", "0001:04:00.0", 0));
  const cfg = m.configRead(fc, 0, 4);
  out.push(`     config read of fc0's vendor/device → 0x${hex(cfg, 8)}  (P7IOC blocks config to a frozen PE)`);
  out.push("");

  // 3. Thaw in two steps, as EEH recovery does (THAW_MMIO then THAW_DMA).
  out.push(`3. thaw ${pe(0, nvmePe)}: MMIO first, then DMA (the OPAL freeze-clear ops)`);
  unfreezePe(m, 0, nvmePe, { mmio: true, dma: false });
  out.push(load(m, "nvme0", nvme, 0));
  const stillStopped = m.dmaWrite(nvme, w.base, 8, 0x1234n);
  out.push(`     DMA write by nvme0 → ${stillStopped.blocked === "frozen" ? "still dropped (DMA stays stopped)" : "landed"}`);
  unfreezePe(m, 0, nvmePe, { mmio: false, dma: true });
  m.dmaWrite(nvme, w.base, 8, 0x1234n);
  out.push(`     after THAW_DMA: DMA write lands, host memory 0x100000 = 0x${m.memRead(0x100000n, 8).toString(16)}`);
  out.push("", `${m.events.length} hardware events recorded.`);
  return out;
}
