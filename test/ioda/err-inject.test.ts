// OPAL_PCI_ERR_INJECT semantics on both models (powernv-opal.md §5): arming only, CTL
// values, address/mask choice, and the freeze a later matching transaction causes.
import { describe, expect, it } from "vitest";
import { Machine } from "../../src/ioda/machine.js";
import { switchPhb } from "./fixtures.js";
import { armErrInject, disarmErrInject } from "../../src/ioda/faults.js";
import { frozenPes } from "../../src/ioda/phb-engine.js";
import { m32CpuBase } from "../../src/ioda/address-map.js";
import { injectionMask } from "../../src/ioda/err-inject.js";

const build = (model: "ioda1" | "ioda2") => Machine.build({ phbs: [switchPhb(0, model, 2)] });

describe("PHB3 err_inject (§5.2)", () => {
  it("mem32 load: CTL 0x48.., ADDR = the PE's first M32 segment (CPU address), mask from the run length", () => {
    const m = build("ioda2");
    const dev = "0000:03:00.0";
    const { pe } = m.peOf(dev);
    const r = armErrInject(m, 0, { pe, type: 0, func: 0, addr: 0n, mask: 0n });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.ctl).toBe(0x4800000000000000n);
    const seg = m.phbLayout(0).m32Segments.get(pe)!;
    expect(r.addr).toBe((m32CpuBase(0) + BigInt(seg[0]!) * 0x800000n) & 0xffffffffffffn);
    expect(r.mask).toBe(injectionMask(BigInt(seg.length) * 0x800000n) & 0xffffffffffffn);
    expect(frozenPes(m.phbState(0).hw)).toEqual([]); // armed, not frozen
    // A store does not match a load injection; a load does.
    m.mmioStore(m.barCpuAddress(dev, 0), 4, 1n);
    expect(frozenPes(m.phbState(0).hw)).toEqual([]);
    expect(m.mmioLoad(m.barCpuAddress(dev, 0), 4)).toBe(0xffffffffn);
    expect(frozenPes(m.phbState(0).hw)).toEqual([pe]);
    expect(m.phbState(0).hw.regs.groups.out.status).toBe(1n << (63n - 28n));
  });
  it("the injection is sticky until disarmed (OPAL_RESET_PHB_ERROR)", () => {
    const m = build("ioda2");
    const other = "0000:04:00.0";
    const { pe } = m.peOf("0000:03:00.0");
    armErrInject(m, 0, { pe, type: 0, func: 4, addr: 0n, mask: 0n });
    expect(m.phbState(0).hw.regs.injCtl).toBe(0x1800000000000000n); // cfg read
    m.configRead(other, 0, 4); // other bus: no match
    expect(frozenPes(m.phbState(0).hw)).toEqual([]);
    expect(m.configRead("0000:03:00.0", 0, 4)).toBe(0xffffffff);
    expect(frozenPes(m.phbState(0).hw)).toEqual([pe]);
    disarmErrInject(m, 0);
    expect(m.phbState(0).hw.regs.injCtl).toBe(0n);
  });
  it("cfg on a bus PE: ADDR = bus << 52 under the bus mask", () => {
    const m = build("ioda2");
    const { pe } = m.peOf("0000:03:00.0");
    const r = armErrInject(m, 0, { pe, type: 0, func: 10, addr: 0n, mask: 0n });
    expect(r).toMatchObject({ ok: true, ctl: 0x1400000000000000n, addr: 3n << 52n, mask: 0x0ff0000000000000n });
  });
  it("DMA read on TVE#pe·2: CTL 0x88.., caller address honoured inside the window", () => {
    const m = build("ioda2");
    const dev = "0000:04:00.0";
    const { pe } = m.peOf(dev);
    const r = armErrInject(m, 0, { pe, type: 0, func: 12, addr: 0x5000n, mask: 0xfffffffffffff000n });
    expect(r).toMatchObject({ ok: true, ctl: 0x8800000000000000n, addr: 0x5000n });
    m.mapDma(dev, 0x5000n, 0x20000n, "rw");
    expect(m.dmaRead(dev, 0x5008n, 8)).toBe(0xffffffffffffffffn);
    expect(m.events.at(-1)).toMatchObject({ kind: "freeze", error: "dma-inject", pe });
  });
  it("returns the spec's refusals", () => {
    const m = build("ioda2");
    expect(armErrInject(m, 0, { pe: 255, type: 0, func: 0, addr: 0n, mask: 0n })).toMatchObject({ ok: false, status: "parameter" });
    expect(armErrInject(m, 0, { pe: 256, type: 0, func: 0, addr: 0n, mask: 0n })).toMatchObject({ ok: false, status: "parameter" });
    expect(armErrInject(m, 0, { pe: 0xfb, type: 0, func: 2, addr: 0n, mask: 0n })).toMatchObject({ ok: false, status: "parameter" }); // IO
    expect(armErrInject(m, 0, { pe: 0xfb, type: 0, func: 20, addr: 0n, mask: 0n })).toMatchObject({ ok: false, status: "parameter" });
    // The root-bus PE has no DMA window: TVE not configured → unsupported.
    expect(armErrInject(m, 0, { pe: 0xfe, type: 0, func: 16, addr: 0n, mask: 0n })).toMatchObject({ ok: false, status: "unsupported" });
    // A bus PE's 64-bit space is searched in M64 BAR 15 only.
    expect(armErrInject(m, 0, { pe: 0xfb, type: 1, func: 0, addr: 0n, mask: 0n })).toMatchObject({ ok: true, ctl: 0x4800000000000000n });
    expect(m.phbState(0).hw.regs.injCtl).toBe(0x4800000000000000n);
  });
});

describe("P7IOC err_inject (§5.3)", () => {
  it("64-bit injection is unsupported, PE > 126 and unmapped PEs are parameter errors", () => {
    const m = build("ioda1");
    const { pe } = m.peOf("0000:03:00.0");
    expect(armErrInject(m, 0, { pe, type: 1, func: 0, addr: 0n, mask: 0n })).toMatchObject({ ok: false, status: "unsupported" });
    expect(armErrInject(m, 0, { pe: 127, type: 0, func: 0, addr: 0n, mask: 0n })).toMatchObject({ ok: false, status: "parameter" });
    expect(armErrInject(m, 0, { pe: 3, type: 0, func: 0, addr: 0n, mask: 0n })).toMatchObject({ ok: false, status: "parameter" });
  });
  it("mem32: one 16 MiB segment, default mask = the whole MMIO field (bits 16..39)", () => {
    const m = build("ioda1");
    const dev = "0000:03:00.0";
    const { pe } = m.peOf(dev);
    const r = armErrInject(m, 0, { pe, type: 0, func: 6, addr: 0n, mask: 0n });
    expect(r).toMatchObject({ ok: true, ctl: 0x4400000000000000n, mask: 0x0000ffffff000000n });
    m.mmioStore(m.barCpuAddress(dev, 0), 4, 1n);
    expect(frozenPes(m.phbState(0).hw)).toEqual([pe]);
  });
  it("cfg uses the PE's PELT-M bus under its bus compare; DMA names a TVE number in bits 60..63", () => {
    const m = build("ioda1");
    const { pe } = m.peOf("0000:04:00.0");
    expect(armErrInject(m, 0, { pe, type: 0, func: 4, addr: 0n, mask: 0n })).toMatchObject({ ok: true, addr: 4n << 52n, mask: 0x0ff0000000000000n });
    const r = armErrInject(m, 0, { pe, type: 0, func: 16, addr: 0n, mask: 0n });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.mask).toBe(0xfn);
    const w = m.dmaWindow("0000:04:00.0");
    expect(r.addr).toBe(w.base / 0x1000_0000n);
    m.mapDma("0000:04:00.0", w.base, 0x30000n, "rw");
    m.dmaWrite("0000:04:00.0", w.base, 4, 5n);
    expect(frozenPes(m.phbState(0).hw)).toEqual([pe]);
    expect(m.memRead(0x30000n, 4)).toBe(0n);
  });
});
