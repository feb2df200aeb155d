// Log forwarding to the guest (issue 6): PowerNV hands over the raw PHB diag blob and its
// interpretation blob; pSeries the RTAS error log bytes as they are. And the host log a
// guest can cause stays within its rate limits, while the guest keeps every count.
import { describe, expect, it } from "vitest";
import { decodePhbDiag } from "../../src/log/opal/decode.js";
import { PHB_DIAG_MODEL_OF } from "../../src/log/opal/constants.js";
import { decodeInterpretation, interpretPhbDiag } from "../../src/log/interpret/index.js";
import { buildEehErrorLog } from "../../src/log/rtas/index.js";
import { maxAdmitted } from "../../src/core/ratelimit.js";
import { scriptedDriver } from "../../src/eeh/driver.js";
import { injectBadDma } from "../../src/ioda/faults.js";
import { EEH_LOG_PERM, ENOENT } from "../../src/platform/eeh-ops.js";
import { VFIO_EEH_PE_INJECT_ERR, VFIO_EEH_PE_UNFREEZE_IO, type GuestPlatformLog } from "../../src/vfio/index.js";
import { guestWith, overrideOps, vfioEnv, vt } from "./setup.js";
import { SAMPLE_INPUT } from "../log/rtas/sample.js";

const DEV = "0000:04:00.0";

describe.each(["ioda2", "ioda1"] as const)("PowerNV (%s): diag blob + interpretation", (model) => {
  it("forwards the PHB diag blob captured at the freeze and its interpretation", async () => {
    const env = vfioEnv(model);
    const { c, g } = await guestWith(env, "vm", DEV);
    injectBadDma(env.m, DEV);
    await vt(env, c.eehPeOp({ op: VFIO_EEH_PE_UNFREEZE_IO })); // get_state first: PowerNV fetches pe->data
    const log = (await vt(env, c.fetchPeLog(g.id))) as GuestPlatformLog;
    expect(log.kind).toBe("opal-diag");
    if (log.kind !== "opal-diag") return;
    expect(log.pe).toEqual({ phbId: 0, pe: env.m.peOf(DEV).pe });
    const diag = decodePhbDiag(log.bytes);
    expect(PHB_DIAG_MODEL_OF[diag.ioType]).toBe(model === "ioda2" ? "PHB3" : "P7IOC");
    const interp = decodeInterpretation(log.interpretation!);
    const direct = interpretPhbDiag(diag);
    expect(interp.headline).toBe(direct.headline);
    expect(interp.findings.length).toBe(direct.findings.length);
    expect(interp.findings.some((f) => f.pe === env.m.peOf(DEV).pe)).toBe(true);
    // The guest got a copy.
    log.bytes.fill(0);
    const again = (await vt(env, c.fetchPeLog(g.id, EEH_LOG_PERM))) as GuestPlatformLog;
    expect(again.bytes.some((b) => b !== 0)).toBe(true);
    expect(again.severity).toBe(EEH_LOG_PERM);
    // The diag dump PowerNV printed while fetching it was the guest's doing.
    const dump = env.log.records.filter((r) => r.line.includes("Diag-data"));
    expect(dump.length).toBeGreaterThan(0);
    expect(dump.every((r) => r.guest === "vm")).toBe(true);
    expect(env.vfio.guestView("vm").counts.log).toBe(2);
  });
});

describe("pSeries: the RTAS error log as-is", () => {
  it("forwards the firmware's bytes untouched, with no interpretation", async () => {
    const rtas = buildEehErrorLog(SAMPLE_INPUT);
    const env = vfioEnv("ioda2", { wrapOps: (pnv) => overrideOps(pnv, { name: "pseries", getLog: (pe) => ({ kind: "rtas", phbId: pe.phbId, bytes: rtas, lines: [] }), nextError: undefined }) });
    const { c, g } = await guestWith(env, "vm", DEV);
    const log = (await vt(env, c.fetchPeLog(g.id))) as GuestPlatformLog;
    expect(log.kind).toBe("rtas");
    expect(log.bytes).toEqual(rtas);
    expect(log.bytes).not.toBe(rtas);
    expect("interpretation" in log).toBe(false);
  });
  it("no log from the platform: -ENOENT", async () => {
    const env = vfioEnv("ioda2", { wrapOps: (pnv) => overrideOps(pnv, { getLog: () => undefined }) });
    const { c, g } = await guestWith(env, "vm", DEV);
    expect(await vt(env, c.fetchPeLog(g.id))).toBe(-ENOENT);
  });
  it("a blob that does not decode is forwarded without an interpretation, and the host notes it (not the guest's line)", async () => {
    const env = vfioEnv("ioda2", { wrapOps: (pnv) => overrideOps(pnv, { getLog: (pe) => ({ kind: "opal-diag", phbId: pe.phbId, bytes: new Uint8Array([1, 2, 3]), lines: [] }) }) });
    const { c, g } = await guestWith(env, "vm", DEV);
    const log = (await vt(env, c.fetchPeLog(g.id))) as GuestPlatformLog;
    expect(log.kind === "opal-diag" && log.interpretation).toBeUndefined();
    const note = env.log.records.find((r) => r.line.includes("does not decode"));
    expect(note?.guest).toBeUndefined();
  });
  it("the interpretation hook can be replaced", async () => {
    const env = vfioEnv("ioda2", { host: { interpret: (b) => new Uint8Array([b.length & 0xff]) } });
    const { c, g } = await guestWith(env, "vm", DEV);
    injectBadDma(env.m, DEV);
    const log = (await vt(env, c.fetchPeLog(g.id))) as GuestPlatformLog;
    expect(log.kind === "opal-diag" && log.interpretation?.length).toBe(1);
  });
});

// (On P7IOC: arming an injection on the PHB3 model costs milliseconds, see the report.)
describe("rate-limited host logging (§8; issue 6)", () => {
  it("a flood of injections and log fetches: host lines stay within the buckets, the guest keeps every count", async () => {
    const env = vfioEnv("ioda1");
    const { c, g } = await guestWith(env, "vm", DEV);
    const t0 = env.clock.now();
    for (let i = 0; i < 500; i++) {
      expect(await vt(env, c.eehPeOp({ op: VFIO_EEH_PE_INJECT_ERR, err: { type: 0, func: 4, addr: 0n, mask: 0n } }))).toBe(0);
      if (i % 5 === 0) await vt(env, c.fetchPeLog(g.id));
      env.clock.advanceBy(10);
    }
    env.log.flushSuppressed();
    const elapsed = env.clock.now() - t0;
    const lim = env.log.guestLimits;
    const guest = env.log.records.filter((r) => r.guest === "vm");
    const summaries = guest.filter((r) => r.line.includes("messages suppressed"));
    const lines = guest.length - summaries.length;
    expect(lines).toBeLessThanOrEqual(maxAdmitted(lim.global, elapsed));
    // Per (guest, PE): the injection notices all carry the PE.
    const perPe = guest.filter((r) => r.pe === env.m.peOf(DEV).pe && !r.line.includes("suppressed"));
    expect(perPe.length).toBeLessThanOrEqual(maxAdmitted(lim.perGuestPe, elapsed));
    expect(summaries.length).toBeGreaterThan(0);
    const view = env.vfio.guestView("vm");
    expect(view.counts.inject).toBe(500);
    expect(view.counts.log).toBe(100);
    expect(view.hostLog.suppressed).toBeGreaterThan(0);
    expect(view.hostLog.logged + view.hostLog.suppressed).toBeGreaterThanOrEqual(600);
    expect(view.recent).toHaveLength(64);
    expect(view.dropped).toBe(view.counts.inject! + view.counts.log! + view.counts.open! - 64);
  });
  it("host-internal lines are not limited by a guest's buckets", async () => {
    const host = "0000:03:00.0";
    const drv = scriptedDriver("mlx5_core", { errorDetected: "need reset", slotReset: "recovered" });
    const env = vfioEnv("ioda1", { core: { drivers: { [host]: drv } } });
    const { c } = await guestWith(env, "vm", DEV);
    for (let i = 0; i < 200; i++) await vt(env, c.eehPeOp({ op: VFIO_EEH_PE_INJECT_ERR, err: { type: 0, func: 0, addr: 0n, mask: 0n } }));
    expect(env.log.guestCounts.get("vm")!.suppressed).toBeGreaterThan(0);
    injectBadDma(env.m, host);
    env.core.readMmio(host, 0, 0n, 4);
    await env.core.settle();
    expect(env.core.outcomes.at(-1)?.outcome).toBe("recovered");
    expect(env.log.grep("EEH: Recovery successful.")).toHaveLength(1);
    expect(env.log.records.filter((r) => r.line.startsWith("EEH: Recovering")).every((r) => r.guest === undefined)).toBe(true);
  });
});
