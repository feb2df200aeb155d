// The same fault, the same drivers: the same recovery outcome on PowerNV and on pSeries,
// each with its own platform log (linux-eeh.md §4; issue: "the same scenario runs on
// either platform and gives the same recovery outcome with platform-specific logs").
import { describe, expect, it } from "vitest";
import { powernv, pseries } from "./setup.js";
import { scriptedDriver, type ScriptedAnswers } from "../../src/eeh/driver.js";
import { injectBadDma, injectMmioError } from "../../src/ioda/faults.js";
import { decodeRtasLog } from "../../src/log/rtas/codec.js";
import { decodePhbDiag } from "../../src/log/opal/decode.js";
import type { Machine } from "../../src/ioda/machine.js";

const DEV = "0000:04:00.0";
type Env = ReturnType<typeof powernv> | ReturnType<typeof pseries>;

const CASES: Array<[string, ScriptedAnswers, (m: Machine) => void, "recovered" | "failed"]> = [
  ["bad DMA, driver resets", { errorDetected: "need reset", slotReset: "recovered" }, (m) => void injectBadDma(m, DEV), "recovered"],
  ["MMIO error, driver recovers in place", { errorDetected: "can recover", mmioEnabled: "recovered" }, (m) => void injectMmioError(m, DEV), "recovered"],
  ["bad DMA, driver disconnects", { errorDetected: "disconnect" }, (m) => void injectBadDma(m, DEV), "failed"],
];

async function run(env: Env, answers: ScriptedAnswers, fault: (m: Machine) => void) {
  const drv = scriptedDriver("mlx5_core", answers);
  env.core.bindDriver(DEV, drv);
  fault(env.m);
  env.core.readMmio(DEV, 0, 0n, 4);
  await env.core.settle();
  return { outcome: env.core.outcomes.find((o) => o.outcome !== "none")?.outcome, calls: drv.calls };
}

describe.each(CASES)("%s", (_name, answers, fault, expected) => {
  it("same outcome and driver calls on both platforms, platform-specific logs", async () => {
    const pnv = powernv();
    const ps = pseries();
    const a = await run(pnv, answers, fault);
    const b = await run(ps, answers, fault);
    expect(a.outcome).toBe(expected);
    expect(b.outcome).toBe(expected);
    expect(b.calls).toEqual(a.calls);
    // PowerNV collects the PHB diag blob; pSeries the opaque RTAS error log.
    const pnvLog = pnv.core.logs[0]!.log;
    const psLog = ps.core.logs[0]!.log;
    expect(pnvLog.kind).toBe("opal-diag");
    expect(decodePhbDiag(pnvLog.bytes).ioType).toBe(2);
    expect(psLog.kind).toBe("rtas");
    expect(decodeRtasLog(psLog.bytes).header.type).toBe(0xe0);
    expect(pnv.log.grep("EEH: PowerNV platform initialized")).toHaveLength(1);
    expect(ps.log.grep("EEH: pSeries platform initialized")).toHaveLength(1);
  });
});
