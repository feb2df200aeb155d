// OPAL never throws at its caller: any sequence of calls with any arguments, interleaved
// with hardware faults, yields return codes; and freeze_status agrees with the PEST bits.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { VirtualClock } from "../../../src/core/clock.js";
import { Machine } from "../../../src/ioda/machine.js";
import { injectBadDma, injectFence, injectLinkDown, injectMmioError, killPhb } from "../../../src/ioda/faults.js";
import { OpalFirmware } from "../../../src/platform/powernv/opal.js";
import * as O from "../../../src/platform/powernv/opal-api.js";
import { peFreezeState, isFenced } from "../../../src/ioda/phb-engine.js";
import { switchPhb } from "../../ioda/fixtures.js";

const anyInt = fc.oneof(fc.integer({ min: -5, max: 300 }), fc.constantFrom(0, 1, 2, 3, 255, 256, 2 ** 31, -1));
const anyBig = fc.oneof(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.constant(0n));

const arbCall = fc.oneof(
  fc.record({ op: fc.constant("status" as const), phb: anyInt, pe: anyInt }),
  fc.record({ op: fc.constant("clear" as const), phb: anyInt, pe: anyInt, token: anyInt }),
  fc.record({ op: fc.constant("set" as const), phb: anyInt, pe: anyInt, token: anyInt }),
  fc.record({ op: fc.constant("next" as const), phb: anyInt }),
  fc.record({ op: fc.constant("diag" as const), phb: anyInt, len: fc.integer({ min: -1, max: 9000 }) }),
  fc.record({ op: fc.constant("inject" as const), phb: anyInt, pe: anyInt, type: anyInt, func: anyInt, addr: anyBig, mask: anyBig }),
  fc.record({ op: fc.constant("reset" as const), id: fc.oneof(anyInt.map(BigInt), fc.constant(O.pciSlotId(0, 0x0208))), scope: fc.integer({ min: 0, max: 7 }), assert: fc.integer({ min: -1, max: 2 }) }),
  fc.record({ op: fc.constant("poll" as const), id: fc.oneof(anyInt.map(BigInt), fc.constant(O.pciSlotId(0, 0x0208))), wait: fc.integer({ min: 0, max: 2000 }) }),
  fc.record({ op: fc.constant("fault" as const), kind: fc.constantFrom("dma", "mmio", "link", "fence", "dead") }),
);

describe("OPAL API robustness", () => {
  it("never throws, and freeze_status always matches the hardware", () => {
    fc.assert(
      fc.property(fc.constantFrom("ioda1" as const, "ioda2" as const), fc.array(arbCall, { maxLength: 25 }), (model, calls) => {
        const m = Machine.build({ phbs: [switchPhb(0, model, 2)] });
        const clock = new VirtualClock();
        const opal = new OpalFirmware(m, clock);
        for (const c of calls) {
          switch (c.op) {
            case "status":
              expect(typeof opal.eehFreezeStatus(c.phb, c.pe).rc).toBe("number");
              break;
            case "clear":
              expect(typeof opal.eehFreezeClear(c.phb, c.pe, c.token)).toBe("number");
              break;
            case "set":
              expect(typeof opal.eehFreezeSet(c.phb, c.pe, c.token)).toBe("number");
              break;
            case "next":
              expect(typeof opal.nextError(c.phb).rc).toBe("number");
              break;
            case "diag":
              expect(typeof opal.getPhbDiagData2(c.phb, c.len).rc).toBe("number");
              break;
            case "inject":
              expect(typeof opal.errInject(c.phb, c.pe, c.type, c.func, c.addr, c.mask)).toBe("number");
              break;
            case "reset":
              expect(typeof opal.pciReset(c.id, c.scope, c.assert)).toBe("number");
              break;
            case "poll":
              clock.advanceBy(c.wait);
              expect(typeof opal.pciPoll(c.id)).toBe("number");
              break;
            case "fault": {
              const hw = m.phbState(0).hw;
              if (hw.broken) break;
              if (c.kind === "dma") injectBadDma(m, "0000:03:00.0");
              else if (c.kind === "mmio") injectMmioError(m, "0000:04:00.0");
              else if (c.kind === "link") injectLinkDown(m, "0000:02:01.0");
              else if (c.kind === "fence") injectFence(m, 0);
              else killPhb(m, 0);
            }
          }
          // freeze_status agrees with the model's PEST bits on every PE of the PHB
          const hw = m.phbState(0).hw;
          if (!hw.broken && !isFenced(hw)) {
            for (const pe of [0, 1, 0x7b, 0x7c, 0xfb, 0xfc]) {
              if (pe >= hw.pestA.length) continue;
              const f = peFreezeState(hw, pe);
              const r = opal.eehFreezeStatus(0, pe);
              expect(r.freezeState).toBe((f.mmio ? 1 : 0) | (f.dma ? 2 : 0));
            }
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});
