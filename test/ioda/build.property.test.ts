// Any valid machine description builds, and each model's own tables (RTT on IODA2,
// PELT-M CAM on IODA1; M32DT/M64 for BARs) resolve every function exactly as the
// Linux-style PE plan assigned it.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { arbMachineSpec } from "../../src/pci/arbitraries.js";
import { Machine } from "../../src/ioda/machine.js";
import { TopologyError } from "../../src/core/errors.js";
import { modelOf } from "../../src/ioda/phb-engine.js";
import { ridOf } from "../../src/pci/address.js";

describe("building arbitrary machines", () => {
  it("every function's RID and BARs resolve to its planned PE through the model's tables", () => {
    fc.assert(
      fc.property(arbMachineSpec(), (spec) => {
        let m: Machine;
        try {
          m = Machine.build(spec);
        } catch (e) {
          // Refusals: SR-IOV on IODA1, more PEs than the PHB has, conflicting pinned PEs.
          expect(e).toBeInstanceOf(TopologyError);
          expect((e as Error).message).toMatch(/IODA2|no free PE|no block|exceed|pin|reserved|in use/);
          return;
        }
        for (const phb of spec.phbs) {
          const pl = m.phbLayout(phb.id);
          const hw = m.phbState(phb.id).hw;
          const model = modelOf(hw);
          for (const f of phb.functions) {
            const rid = ridOf(f.address);
            expect(model.peForRid(hw, rid)).toBe(pl.plan.peOfRid.get(rid));
          }
          for (const bar of pl.bars) {
            if (bar.type === "mem32") expect(m.mmioLoadDetailed(bar.cpuStart, 4).blocked).toBeUndefined();
            if (bar.type === "mem64") expect(model.m64Pe(hw, bar.cpuStart)).toBe(bar.pe);
          }
        }
      }),
      { numRuns: 80 },
    );
  });
});
