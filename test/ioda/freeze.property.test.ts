// Properties of the freeze semantics (issue: frozen PE never leaks data, freezes stay in
// the PELT-V domain, MMIO and DMA unfreeze separately, failed operations change nothing).
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Machine } from "../../src/ioda/machine.js";
import { switchPhb } from "./fixtures.js";
import { freezePe, injectBadDma, injectLinkDown, injectMmioError, injectPcieUe, unfreezePe } from "../../src/ioda/faults.js";
import { frozenPes, modelOf } from "../../src/ioda/phb-engine.js";
import { EehError } from "../../src/core/errors.js";
import { formatPciAddress, ridOf } from "../../src/pci/address.js";
import type { AccessSize } from "../../src/core/bits.js";

const arbModel = fc.constantFrom("ioda1" as const, "ioda2" as const);
const arbSize = fc.constantFrom<AccessSize>(1, 2, 4, 8);

function endpoints(m: Machine): string[] {
  return m.spec.phbs[0]!.functions.filter((f) => f.kind === "endpoint").map((f) => formatPciAddress(f.address));
}

type Fault = "soft" | "dma" | "mmio" | "ue" | "link";
const arbFault = fc.constantFrom<Fault>("soft", "dma", "mmio", "ue", "link");

function inject(m: Machine, fault: Fault, dev: string): void {
  switch (fault) {
    case "soft": {
      const { pe } = m.peOf(dev);
      freezePe(m, 0, pe, { mmio: true, dma: true });
      return;
    }
    case "dma":
      injectBadDma(m, dev);
      return;
    case "mmio":
      injectMmioError(m, dev);
      return;
    case "ue":
      injectPcieUe(m, dev);
      return;
    case "link": {
      // the downstream port above the device
      const bus = Number.parseInt(dev.slice(5, 7), 16);
      const port = m.spec.phbs[0]!.functions.find((f) => f.secondaryBus === bus)!;
      injectLinkDown(m, port.address);
    }
  }
}

describe("freeze properties", () => {
  it("a frozen PE's MMIO loads return all ones of the width; its stores and DMA never land", () => {
    fc.assert(
      fc.property(arbModel, fc.integer({ min: 1, max: 5 }), fc.nat(), arbFault, fc.array(fc.tuple(fc.constantFrom("load", "store", "dma"), arbSize, fc.nat(0xfff), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n })), { minLength: 1, maxLength: 12 }), (model, ports, pick, fault, ops) => {
        const m = Machine.build({ phbs: [switchPhb(0, model, ports)] });
        const devs = endpoints(m);
        const dev = devs[pick % devs.length]!;
        const w = m.dmaWindow(dev);
        m.mapDma(dev, w.base, 0x10_0000n, "rw");
        inject(m, fault, dev);
        const { pe } = m.peOf(dev);
        expect(m.peFreezeState(0, pe)).toEqual({ mmio: true, dma: true });
        const rid = ridOf(m.locate(dev).address);
        for (const [kind, size, off, value] of ops) {
          const offset = BigInt(off - (off % size));
          if (kind === "load") {
            expect(m.mmioLoad(m.barCpuAddress(dev, 0) + offset, size)).toBe((1n << BigInt(size * 8)) - 1n);
          } else if (kind === "store") {
            const before = m.phbState(0).functions[rid]!.mmio;
            m.mmioStore(m.barCpuAddress(dev, 0) + offset, size, value);
            expect(m.phbState(0).functions[rid]!.mmio).toBe(before);
          } else {
            const mem = m.state.memory;
            const r = m.dmaWrite(dev, w.base + offset, size, value);
            expect(r.blocked).toBeDefined();
            expect(m.state.memory).toBe(mem);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it("a fault freezes its PE and nothing outside that PE's PELT-V row", () => {
    fc.assert(
      fc.property(arbModel, fc.integer({ min: 1, max: 5 }), fc.nat(), fc.constantFrom<Fault>("dma", "mmio", "ue", "link"), (model, ports, pick, fault) => {
        const m = Machine.build({ phbs: [switchPhb(0, model, ports)] });
        const devs = endpoints(m);
        const dev = devs[pick % devs.length]!;
        inject(m, fault, dev);
        const ev = m.events.find((e) => e.kind === "freeze");
        expect(ev).toBeDefined();
        if (ev?.kind !== "freeze") return;
        const hw = m.phbState(0).hw;
        const domain = new Set([ev.pe, ...modelOf(hw).peltvRow(hw, ev.pe)]);
        for (const pe of frozenPes(hw)) expect(domain.has(pe)).toBe(true);
        expect(frozenPes(hw)).toContain(ev.pe);
      }),
      { numRuns: 60 },
    );
  });

  it("MMIO and DMA freeze bits clear independently", () => {
    fc.assert(
      fc.property(arbModel, fc.nat(), fc.boolean(), fc.boolean(), fc.boolean(), fc.boolean(), (model, pick, setM, setD, clrM, clrD) => {
        const m = Machine.build({ phbs: [switchPhb(0, model, 3)] });
        const hw = m.phbState(0).hw;
        const pe = pick % modelOf(hw).numPes;
        freezePe(m, 0, pe, { mmio: setM, dma: setD });
        unfreezePe(m, 0, pe, { mmio: clrM, dma: clrD });
        expect(m.peFreezeState(0, pe)).toEqual({ mmio: setM && !clrM, dma: setD && !clrD });
      }),
      { numRuns: 80 },
    );
  });

  it("an operation that throws leaves the state exactly as it was", () => {
    const arbOp = fc.oneof(
      fc.record({ k: fc.constant("cfg"), off: fc.integer({ min: -4, max: 0x1004 }), size: fc.constantFrom(1, 2, 3, 4, 8) }),
      fc.record({ k: fc.constant("mmio"), addr: fc.bigInt({ min: 0n, max: 1n << 50n }), size: fc.constantFrom(1, 2, 4, 8, 16) }),
      fc.record({ k: fc.constant("dma"), addr: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), size: fc.constantFrom(1, 2, 4, 8, 3) }),
      fc.record({ k: fc.constant("freeze"), pe: fc.integer({ min: -2, max: 300 }) }),
      fc.record({ k: fc.constant("link"), dev: fc.nat() }),
    );
    fc.assert(
      fc.property(arbModel, fc.array(arbOp, { minLength: 1, maxLength: 20 }), (model, ops) => {
        const m = Machine.build({ phbs: [switchPhb(0, model, 2)] });
        const fns = m.spec.phbs[0]!.functions.map((f) => formatPciAddress(f.address));
        for (const op of ops) {
          const before = m.state;
          const nEvents = m.events.length;
          try {
            switch (op.k) {
              case "cfg":
                m.configRead(fns[3]!, op.off, op.size as 1);
                break;
              case "mmio":
                m.mmioLoad(op.addr, op.size as AccessSize);
                break;
              case "dma":
                m.dmaWrite(fns[3]!, op.addr, op.size as AccessSize, 1n);
                break;
              case "freeze":
                freezePe(m, 0, op.pe, { mmio: true, dma: true });
                break;
              case "link":
                injectLinkDown(m, fns[op.dev % fns.length]!);
                break;
            }
          } catch (e) {
            expect(e).toBeInstanceOf(EehError);
            expect(m.state).toBe(before);
            expect(m.events.length).toBe(nEvents);
          }
        }
      }),
      { numRuns: 60 },
    );
  });
});
