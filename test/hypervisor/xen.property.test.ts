// Properties of the Xen forwarding model (aer-xen.md §5) over random guests, drivers, stalls
// and errors: every forwarded step is answered or times out (and nothing is left pending);
// no guest is left running without a handler after a fatal error (under xend); correctable
// errors are never forwarded.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ResultName } from "../../src/eeh/driver.js";
import { scriptedAerDriver } from "../../src/aer/driver.js";
import * as R from "../../src/pci/regs.js";
import { XEN_PCIB_active, XEN_PCIBK_AER_TIMEOUT_MS, XEN_PCI_OP_aer_detected, XEN_PCI_OP_aer_mmio, XEN_PCI_OP_aer_resume, XEN_PCI_OP_aer_slotreset } from "../../src/hypervisor/xen/index.js";
import { EP, xenEnv } from "./setup.js";

const result = fc.constantFrom<ResultName>("none", "can recover", "need reset", "disconnect", "recovered", "no AER driver");
const answers = fc.record(
  { errorDetected: result, mmioEnabled: result, slotReset: result, resume: fc.boolean() },
  { requiredKeys: [] },
);
const errorKind = fc.constantFrom(
  { kind: "ue" as const, bit: R.PCI_ERR_UNC_MALF_TLP }, // fatal by default severity
  { kind: "ue" as const, bit: R.PCI_ERR_UNC_SURPDN }, // fatal
  { kind: "ue" as const, bit: R.PCI_ERR_UNC_UNSUP }, // non-fatal
  { kind: "ue" as const, bit: R.PCI_ERR_UNC_POISON_TLP }, // non-fatal
  { kind: "ce" as const, bit: R.PCI_ERR_COR_BAD_TLP },
  { kind: "ce" as const, bit: R.PCI_ERR_COR_REP_TIMER },
);
const scenario = fc.record({
  guest: fc.constantFrom("pv" as const, "hvm" as const),
  driver: fc.option(answers, { nil: undefined }),
  stall: fc.subarray([XEN_PCI_OP_aer_detected, XEN_PCI_OP_aer_mmio, XEN_PCI_OP_aer_slotreset, XEN_PCI_OP_aer_resume]),
  advertise: fc.boolean(),
  latencyMs: fc.constantFrom(0, 1, 50),
  error: errorKind,
});

describe("Xen forwarding properties", () => {
  it("hold for random guests, drivers, stalls and errors", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const e = xenEnv({
          toolstack: "xend",
          guest: s.guest,
          ...(s.driver ? { driver: scriptedAerDriver("gdrv", s.driver) } : {}),
          frontend: { stall: (cmd) => s.stall.includes(cmd), advertiseAerHandler: s.advertise, latencyMs: s.latencyMs },
        });
        if (s.error.kind === "ue") e.dom0.injectUncorrectable(EP, s.error.bit);
        else e.dom0.injectCorrectable(EP, s.error.bit);
        await e.dom0.settle();
        const records = e.xen.pciback.records;
        const calls = e.front?.calls ?? [];

        // 1. Every forwarded step was answered or timed out, within the 300 s wait; an answer
        //    came from the frontend; nothing is left pending on either side.
        for (const r of records.filter((x) => x.outcome === "answered" || x.outcome === "timeout")) {
          const waited = r.done! - r.sent!;
          expect(waited).toBeLessThanOrEqual(XEN_PCIBK_AER_TIMEOUT_MS);
          if (r.outcome === "timeout") expect(waited).toBe(XEN_PCIBK_AER_TIMEOUT_MS);
          else expect(calls.some((c) => c.outcome === "answered" && c.time <= r.done!)).toBe(true);
        }
        if (e.front) expect(e.front.shared.flags & XEN_PCIB_active).toBe(0);
        expect(e.clock.pending()).toBe(0);

        // 2. After a fatal error no guest without a handler is left running (xend acts on
        //    aerfail) — unless its frontend never answered error_detected: a timeout returns
        //    the default vote and kills nobody (§5.2; pinned in xen.test.ts).
        const fatal = s.error.kind === "ue" && (R.PCI_ERR_UNC_SEVERITY_DEFAULT & s.error.bit) !== 0;
        const handler = s.guest === "pv" && s.advertise && s.driver?.errorDetected !== undefined;
        const answeredDetect = !(s.guest === "pv" && s.advertise && s.stall.includes(XEN_PCI_OP_aer_detected));
        if (fatal && !handler && answeredDetect) expect(e.vm.running).toBe(false);
        // …and a guest whose driver answered "none" or "disconnect" to error_detected is gone too.
        const ed = calls.find((c) => c.command === "aer_detected");
        if (ed?.result === "none" || ed?.result === "disconnect") expect(e.vm.running).toBe(false);

        // 3. Correctable errors are never forwarded.
        if (s.error.kind === "ce") {
          expect(records).toEqual([]);
          expect(calls).toEqual([]);
        }
      }),
      { numRuns: 150 },
    );
  });
});
