// The VFIO layer on a pSeries host (PseriesEehOps over RTAS): the same ops and hand-off
// through the EehOps interface, and the RTAS error log forwarded to the guest as-is.
import { describe, expect, it } from "vitest";
import { injectBadDma } from "../../src/ioda/faults.js";
import { decodeRtasLog } from "../../src/log/rtas/index.js";
import { EINVAL, ERANGE, type PlatformLog } from "../../src/platform/eeh-ops.js";
import {
  VFIO_EEH_PE_CONFIGURE,
  VFIO_EEH_PE_GET_STATE,
  VFIO_EEH_PE_INJECT_ERR,
  VFIO_EEH_PE_STATE_NORMAL,
  VFIO_EEH_PE_STATE_STOPPED,
  VFIO_EEH_PE_STATE_STOPPED_DMA,
  VFIO_EEH_PE_UNFREEZE_IO,
  guestRecover,
  type GuestPlatformLog,
} from "../../src/vfio/index.js";
import { guestWith, vfioEnv, vt } from "./setup.js";

const DEV = "0000:04:00.0";

describe("VFIO EEH ops on a pSeries host", () => {
  it("GET_STATE, UNFREEZE_IO, CONFIGURE, and the guest's recovery", async () => {
    const env = vfioEnv("ioda2", { platform: "pseries" });
    const { c, dev } = await guestWith(env, "vm", DEV);
    expect(await vt(env, c.eehPeOp({ op: VFIO_EEH_PE_GET_STATE }))).toBe(VFIO_EEH_PE_STATE_NORMAL);
    injectBadDma(env.m, DEV);
    expect(dev.readMmio(0, 0n, 4)).toBe(0xffffffffn);
    expect(await vt(env, c.eehPeOp({ op: VFIO_EEH_PE_GET_STATE }))).toBe(VFIO_EEH_PE_STATE_STOPPED);
    expect(await vt(env, c.eehPeOp({ op: VFIO_EEH_PE_UNFREEZE_IO }))).toBe(0);
    expect(await vt(env, c.eehPeOp({ op: VFIO_EEH_PE_GET_STATE }))).toBe(VFIO_EEH_PE_STATE_STOPPED_DMA);
    expect(await vt(env, c.eehPeOp({ op: VFIO_EEH_PE_CONFIGURE }))).toBe(0);
    const r = await vt(env, guestRecover(c));
    expect(r.outcome).toBe("recovered");
    expect(r.logs.map((l) => l.kind)).toEqual(["rtas"]);
    expect(dev.readMmio(0, 0n, 4)).toBe(0x101315b3n);
  });
  it("opening a frozen PE hands it over thawed", async () => {
    const env = vfioEnv("ioda2", { platform: "pseries" });
    injectBadDma(env.m, DEV);
    const { dev } = await guestWith(env, "vm", DEV);
    expect(dev.readMmio(0, 0n, 4)).toBe(0x101315b3n);
  });
  it("INJECT_ERR: pSeries breaks the PE's devices (funcs 0, 1, 6, 7; others -ERANGE; type ∉ {0,1} -EINVAL)", async () => {
    const env = vfioEnv("ioda2", { platform: "pseries" });
    const { c } = await guestWith(env, "vm", DEV);
    const inject = (type: number, func: number) => vt(env, c.eehPeOp({ op: VFIO_EEH_PE_INJECT_ERR, err: { type, func, addr: 0n, mask: 0n } }));
    expect(await inject(0, 4)).toBe(-ERANGE);
    expect(await inject(2, 0)).toBe(-EINVAL);
    expect(await inject(0, 0)).toBe(0);
    expect(env.log.grep(/pci 0000:04:00.0: Going to break/)).toHaveLength(1);
    expect(env.log.records.find((r) => r.line.includes("Going to break"))?.guest).toBe("vm");
    expect(await vt(env, c.eehPeOp({ op: VFIO_EEH_PE_GET_STATE }))).toBe(VFIO_EEH_PE_STATE_STOPPED);
  });
  it("the RTAS error log reaches the guest byte for byte, undecoded", async () => {
    const env = vfioEnv("ioda2", { platform: "pseries" });
    const seen: PlatformLog[] = [];
    const orig = env.ops.getLog.bind(env.ops);
    env.ops.getLog = (pe, sev) => {
      const l = orig(pe, sev);
      if (l) seen.push(l);
      return l;
    };
    const { c, g } = await guestWith(env, "vm", DEV);
    injectBadDma(env.m, DEV);
    await vt(env, c.eehPeOp({ op: VFIO_EEH_PE_GET_STATE }));
    const log = (await vt(env, c.fetchPeLog(g.id))) as GuestPlatformLog;
    expect(log.kind).toBe("rtas");
    expect(log.bytes).toEqual(seen.at(-1)!.bytes);
    expect(decodeRtasLog(log.bytes).header.type).toBe(0xe0); // an EEH log, for those who decode it
    expect("interpretation" in log).toBe(false);
  });
});
