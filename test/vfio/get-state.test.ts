// VFIO_EEH_PE_GET_STATE (linux-eeh.md §5.4): the guest-facing codes and eeh_pe_get_state's
// decision order — parent ISOLATED/RECOVERING (the host recovering above) → UNAVAIL unless
// the PE is REMOVED; RESET_ACTIVE → RESET; then the *_ENABLED bits.
import { describe, expect, it } from "vitest";
import { freezePe, injectBadDma, injectFence } from "../../src/ioda/faults.js";
import { EEH_PE_ISOLATED, EEH_PE_RECOVERING, EEH_PE_REMOVED, EEH_PE_RESET } from "../../src/ioda/pe/pe-flags.js";
import {
  EEH_STATE_DMA_ACTIVE,
  EEH_STATE_DMA_ENABLED,
  EEH_STATE_MMIO_ACTIVE,
  EEH_STATE_MMIO_ENABLED,
  EEH_STATE_NOT_SUPPORT,
  EEH_STATE_OK,
  EEH_STATE_RESET_ACTIVE,
  EEH_STATE_UNAVAILABLE,
  EIO,
} from "../../src/platform/eeh-ops.js";
import {
  VFIO_EEH_PE_GET_STATE,
  VFIO_EEH_PE_STATE_NORMAL,
  VFIO_EEH_PE_STATE_RESET,
  VFIO_EEH_PE_STATE_STOPPED,
  VFIO_EEH_PE_STATE_STOPPED_DMA,
  VFIO_EEH_PE_STATE_UNAVAIL,
  eehPeGetState,
} from "../../src/vfio/index.js";
import { guestWith, overrideOps, vfioEnv, vt, type Env } from "./setup.js";

const DEV = "0000:04:00.0";

async function state(env: Env, c: { eehPeOp: (a: { op: number }) => Promise<number> }): Promise<number> {
  return vt(env, c.eehPeOp({ op: VFIO_EEH_PE_GET_STATE }));
}

describe.each(["ioda2", "ioda1"] as const)("GET_STATE from the PHB's freeze bits on %s", (model) => {
  it("not frozen → NORMAL; MMIO+DMA → STOPPED; DMA only → STOPPED_DMA; MMIO only → UNAVAIL (the DMA-only-enabled case)", async () => {
    const env = vfioEnv(model);
    const { c } = await guestWith(env, "vm", DEV);
    const pe = env.m.peOf(DEV).pe;
    expect(await state(env, c)).toBe(VFIO_EEH_PE_STATE_NORMAL);
    freezePe(env.m, 0, pe, { mmio: false, dma: true });
    expect(await state(env, c)).toBe(VFIO_EEH_PE_STATE_STOPPED_DMA);
    freezePe(env.m, 0, pe, { mmio: true, dma: true });
    expect(await state(env, c)).toBe(VFIO_EEH_PE_STATE_STOPPED);
    const env2 = vfioEnv(model);
    const g2 = await guestWith(env2, "vm", DEV);
    freezePe(env2.m, 0, pe, { mmio: true, dma: false });
    expect(await state(env2, g2.c)).toBe(VFIO_EEH_PE_STATE_UNAVAIL);
  });
});

describe("the decision order (§5.4)", () => {
  it("a parent ISOLATED or RECOVERING holds the guest off with UNAVAIL, whatever the PE's own state", async () => {
    const env = vfioEnv();
    const { c } = await guestWith(env, "vm", DEV);
    const me = { phbId: 0, pe: env.m.peOf(DEV).pe };
    const parent = { phbId: 0, pe: env.core.pe(me).parent! };
    env.core.stateMark(parent, EEH_PE_RECOVERING);
    expect(await state(env, c)).toBe(VFIO_EEH_PE_STATE_UNAVAIL);
    env.core.stateClear(parent, EEH_PE_RECOVERING, true); // (clears the subtree)
    env.core.machine.apply((d) => void (d.phbs[0]!.peTree.pes[parent.pe as number]!.state |= EEH_PE_ISOLATED));
    expect(await state(env, c)).toBe(VFIO_EEH_PE_STATE_UNAVAIL);
    // …unless the PE itself was removed: then the platform decides.
    env.core.machine.apply((d) => void (d.phbs[0]!.peTree.pes[me.pe]!.state |= EEH_PE_REMOVED));
    expect(await state(env, c)).toBe(VFIO_EEH_PE_STATE_NORMAL);
  });
  it("the PHB PE counts as a parent: a fenced PHB the host is recovering → UNAVAIL, then the PE is left frozen", async () => {
    const env = vfioEnv();
    const { c } = await guestWith(env, "vm", DEV);
    injectFence(env.m, 0);
    env.core.readMmio("0000:03:00.0", 0, 0n, 4); // a host driver reads all ones: the PHB check isolates the PHB PE
    expect(env.core.pe({ phbId: 0, pe: "phb" }).state & EEH_PE_ISOLATED).toBeTruthy();
    expect(await state(env, c)).toBe(VFIO_EEH_PE_STATE_UNAVAIL);
    await env.core.settle();
    expect(env.core.outcomes.at(-1)).toMatchObject({ pe: { pe: "phb" }, outcome: "recovered" });
    expect(await state(env, c)).toBe(VFIO_EEH_PE_STATE_STOPPED); // re-frozen for safety after the complete reset
    expect(env.log.grep("EEH: Passed-through PE PHB#0-PE#fa was thawed by reset, re-freezing for safety.")).toHaveLength(1);
  });
  it("while the PE's EEH_PE_RESET is set PowerNV answers all-OK → NORMAL", async () => {
    const env = vfioEnv();
    const { c } = await guestWith(env, "vm", DEV);
    injectBadDma(env.m, DEV);
    env.core.stateMark({ phbId: 0, pe: env.m.peOf(DEV).pe }, EEH_PE_RESET);
    expect(await state(env, c)).toBe(VFIO_EEH_PE_STATE_NORMAL);
  });
  it.each([
    ["RESET_ACTIVE beats the enabled bits", EEH_STATE_RESET_ACTIVE | EEH_STATE_OK, VFIO_EEH_PE_STATE_RESET],
    ["both enabled", EEH_STATE_MMIO_ENABLED | EEH_STATE_DMA_ENABLED, VFIO_EEH_PE_STATE_NORMAL],
    ["only the ACTIVE bits count for nothing", EEH_STATE_MMIO_ACTIVE | EEH_STATE_DMA_ACTIVE, VFIO_EEH_PE_STATE_STOPPED],
    ["NOT_SUPPORT alone", EEH_STATE_NOT_SUPPORT, VFIO_EEH_PE_STATE_STOPPED],
    ["UNAVAILABLE alone", EEH_STATE_UNAVAILABLE, VFIO_EEH_PE_STATE_STOPPED],
    ["MMIO enabled only", EEH_STATE_MMIO_ENABLED, VFIO_EEH_PE_STATE_STOPPED_DMA],
    ["DMA enabled only", EEH_STATE_DMA_ENABLED, VFIO_EEH_PE_STATE_UNAVAIL],
    ["-EIO is not filtered: its bits read as RESET_ACTIVE clear, both ENABLED set", -EIO, VFIO_EEH_PE_STATE_NORMAL],
    ["-EPERM (…11111111) has RESET_ACTIVE set", -1, VFIO_EEH_PE_STATE_RESET],
  ])("platform %s → %s", async (_what, platform, expected) => {
    const env = vfioEnv("ioda2", { wrapOps: (pnv) => overrideOps(pnv, { getState: () => ({ state: platform, delay: 0 }) }) });
    const c = env.vfio.openContainer("vm");
    c.addGroup(env.vfio.groupOf(DEV)!.id);
    expect(await state(env, c)).toBe(expected);
    expect(eehPeGetState(env.vfio.ctx, { phbId: 0, pe: env.m.peOf(DEV).pe })).toBe(expected);
  });
  it("no PE → -ENODEV", () => {
    const env = vfioEnv();
    expect(eehPeGetState(env.vfio.ctx, undefined)).toBe(-19);
  });
});
