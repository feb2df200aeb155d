import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ArgumentError } from "../../src/core/errors.js";
import { update } from "../../src/core/state.js";
import type { PciFunctionSpec, FunctionKind } from "../../src/pci/topology.js";
import {
  ConfigSpace,
  PCI_AER_CAP_BASE,
  PCI_EXP_CAP_BASE,
  PCI_SRIOV_CAP_BASE,
  barAddress,
  barState,
  bridgeBuses,
  bridgeWindow,
  configBars,
  configBytes,
  configRead,
  configWrite,
  createConfigSpace,
  findCapability,
  findExtCapability,
  pcieType,
  resetConfigSpace,
  setBarAddress,
  setBridgeWindow,
  withHardwareWrites,
} from "../../src/pci/config-space.js";
import * as R from "../../src/pci/regs.js";

const A = PCI_AER_CAP_BASE;
const E = PCI_EXP_CAP_BASE;

function fnSpec(kind: FunctionKind, extra: Partial<PciFunctionSpec> = {}): PciFunctionSpec {
  const bridge = kind !== "endpoint" && kind !== "vf";
  return {
    address: kind === "root-port" ? { domain: 0, bus: 0, device: 0, fn: 0 } : { domain: 0, bus: 2, device: 3, fn: 0 },
    kind,
    vendorId: 0x15b3,
    deviceId: 0x1013,
    classCode: bridge ? 0x060400 : 0x020000,
    bars: [],
    aer: true,
    ...(bridge ? { secondaryBus: kind === "root-port" ? 1 : 3, subordinateBus: 7 } : {}),
    ...extra,
  };
}

const endpoint = fnSpec("endpoint", {
  bars: [
    { index: 0, type: "mem64", size: 0x100000, prefetchable: true },
    { index: 2, type: "mem32", size: 0x4000, prefetchable: false },
    { index: 3, type: "io", size: 0x100, prefetchable: false },
    { index: 4, type: "mem64", size: 0x200000000, prefetchable: false },
  ],
});

describe("config space: header", () => {
  const cs = createConfigSpace(endpoint);

  it("reports ids, class and header type read-only", () => {
    expect(configRead(cs, R.PCI_VENDOR_ID, 2)).toBe(0x15b3);
    expect(configRead(cs, R.PCI_DEVICE_ID, 2)).toBe(0x1013);
    expect(configRead(cs, R.PCI_VENDOR_ID, 4)).toBe(0x101315b3);
    expect(configRead(cs, R.PCI_CLASS_REVISION, 4)).toBe(0x02000000);
    expect(configRead(cs, R.PCI_CLASS_DEVICE, 2)).toBe(0x0200);
    expect(configRead(cs, R.PCI_HEADER_TYPE, 1)).toBe(R.PCI_HEADER_TYPE_NORMAL);
    let w = configWrite(cs, R.PCI_VENDOR_ID, 4, 0xffffffff);
    w = configWrite(w, R.PCI_CLASS_REVISION, 4, 0x12345678);
    w = configWrite(w, R.PCI_HEADER_TYPE, 1, 0xff);
    w = configWrite(w, R.PCI_CAPABILITY_LIST, 1, 0);
    expect(configRead(w, R.PCI_VENDOR_ID, 4)).toBe(0x101315b3);
    expect(configRead(w, R.PCI_CLASS_REVISION, 4)).toBe(0x02000000);
    expect(configRead(w, R.PCI_HEADER_TYPE, 1)).toBe(0);
    expect(configRead(w, R.PCI_CAPABILITY_LIST, 1)).toBe(0x40);
  });

  it("sets the multi-function bit on request", () => {
    expect(configRead(createConfigSpace(endpoint, { multiFunction: true }), R.PCI_HEADER_TYPE, 1)).toBe(0x80);
  });

  it("has RW command bits and starts with command 0", () => {
    expect(configRead(cs, R.PCI_COMMAND, 2)).toBe(0);
    const w = configWrite(cs, R.PCI_COMMAND, 2, 0xffff);
    expect(configRead(w, R.PCI_COMMAND, 2)).toBe(
      R.PCI_COMMAND_IO | R.PCI_COMMAND_MEMORY | R.PCI_COMMAND_MASTER | R.PCI_COMMAND_PARITY | R.PCI_COMMAND_SERR | R.PCI_COMMAND_INTX_DISABLE,
    );
    expect(configRead(configWrite(w, R.PCI_COMMAND, 2, R.PCI_COMMAND_MEMORY), R.PCI_COMMAND, 2)).toBe(R.PCI_COMMAND_MEMORY);
  });

  it("clears status error bits by writing 1 (RW1C), keeps the capability-list bit", () => {
    expect(configRead(cs, R.PCI_STATUS, 2)).toBe(R.PCI_STATUS_CAP_LIST);
    const hw = withHardwareWrites(cs, (r) => r.set(R.PCI_STATUS, 2, R.PCI_STATUS_REC_MASTER_ABORT | R.PCI_STATUS_SIG_SYSTEM_ERROR));
    expect(configRead(hw, R.PCI_STATUS, 2)).toBe(0x6010);
    expect(configRead(configWrite(hw, R.PCI_STATUS, 2, 0), R.PCI_STATUS, 2)).toBe(0x6010);
    const cleared = configWrite(hw, R.PCI_STATUS, 2, R.PCI_STATUS_REC_MASTER_ABORT);
    expect(configRead(cleared, R.PCI_STATUS, 2)).toBe(0x4010);
    expect(configRead(configWrite(hw, R.PCI_STATUS, 2, 0xffff), R.PCI_STATUS, 2)).toBe(R.PCI_STATUS_CAP_LIST);
  });

  it("a write through the command dword leaves status alone unless its bits are 1", () => {
    const hw = withHardwareWrites(cs, (r) => r.set(R.PCI_STATUS, 2, R.PCI_STATUS_DETECTED_PARITY));
    const w = configWrite(hw, R.PCI_COMMAND, 4, R.PCI_COMMAND_MEMORY);
    expect(configRead(w, R.PCI_COMMAND, 4)).toBe(((R.PCI_STATUS_DETECTED_PARITY | R.PCI_STATUS_CAP_LIST) << 16 | R.PCI_COMMAND_MEMORY) >>> 0);
  });

  it("is copy-on-write", () => {
    const before = configBytes(cs);
    const w = configWrite(cs, R.PCI_COMMAND, 2, 6);
    expect(w).not.toBe(cs);
    expect(configBytes(cs)).toEqual(before);
    expect(configRead(w, R.PCI_COMMAND, 2)).toBe(6);
  });

  it("checks access size, alignment and range", () => {
    expect(() => configRead(cs, 1, 2)).toThrow(ArgumentError);
    expect(() => configRead(cs, 2, 4)).toThrow(/misaligned/);
    expect(() => configRead(cs, 0xffe, 4)).toThrow(ArgumentError);
    expect(() => configRead(cs, 0x1000, 1)).toThrow(/outside/);
    expect(() => configRead(cs, -4, 4)).toThrow(ArgumentError);
    expect(() => configRead(cs, 0, 3 as 1)).toThrow(/size/);
    expect(() => configWrite(cs, 3, 4, 0)).toThrow(ArgumentError);
    expect(() => configWrite(cs, 4, 2, 0x10000)).toThrow(/does not fit/);
    expect(() => configWrite(cs, 4, 2, -1)).toThrow(ArgumentError);
    expect(configRead(cs, 0xffc, 4)).toBe(0);
    expect(configRead(cs, 0xfff, 1)).toBe(0);
  });

  it("reads zeros above the stored registers and ignores writes there", () => {
    expect(configRead(cs, 0x800, 4)).toBe(0);
    expect(configWrite(cs, 0x800, 4, 0xffffffff)).toBe(cs);
  });

  it("lives in an immer state tree", () => {
    const state = { fns: { a: cs } };
    const { state: next } = update(state, (d) => {
      d.fns.a = configWrite(d.fns.a, R.PCI_COMMAND, 2, R.PCI_COMMAND_MASTER);
    });
    expect(configRead(state.fns.a, R.PCI_COMMAND, 2)).toBe(0);
    expect(configRead(next.fns.a, R.PCI_COMMAND, 2)).toBe(R.PCI_COMMAND_MASTER);
    expect(next.fns.a).toBeInstanceOf(ConfigSpace);
  });
});

describe("config space: BARs", () => {
  const cs = createConfigSpace(endpoint);

  it("answers the sizing protocol", () => {
    const ones = [0, 1, 2, 3, 4, 5].reduce((c, i) => configWrite(c, R.PCI_BASE_ADDRESS_0 + 4 * i, 4, 0xffffffff), cs);
    const rd = (i: number): number => configRead(ones, R.PCI_BASE_ADDRESS_0 + 4 * i, 4);
    expect(rd(0)).toBe(0xfff0000c); // 1 MiB, 64-bit, prefetchable
    expect(rd(1)).toBe(0xffffffff); // upper dword of a BAR below 4 GiB
    expect(rd(2)).toBe(0xffffc000); // 16 KiB, 32-bit
    expect(rd(3)).toBe(0xffffff01); // 256-byte I/O BAR, bit 0 set
    expect(rd(4)).toBe(0x00000004); // 8 GiB, 64-bit: no address bits in the low dword
    expect(rd(5)).toBe(0xfffffffe);
  });

  it("reads 0 for an unimplemented BAR even after writing ones", () => {
    const bare = createConfigSpace(fnSpec("endpoint"));
    expect(configRead(configWrite(bare, R.PCI_BASE_ADDRESS_0, 4, 0xffffffff), R.PCI_BASE_ADDRESS_0, 4)).toBe(0);
    expect(configBars(bare)).toEqual([]);
  });

  it("decodes BARs from the registers", () => {
    expect(configBars(cs)).toEqual([
      { index: 0, type: "mem64", prefetchable: true, size: 0x100000, address: 0 },
      { index: 2, type: "mem32", prefetchable: false, size: 0x4000, address: 0 },
      { index: 3, type: "io", prefetchable: false, size: 0x100, address: 0 },
      { index: 4, type: "mem64", prefetchable: false, size: 0x200000000, address: 0 },
    ]);
    expect(barState(cs, 1)).toBeUndefined(); // upper half of BAR 0
  });

  it("programs addresses", () => {
    let w = setBarAddress(cs, 0, 0x3fe0_0010_0000);
    w = setBarAddress(w, 2, 0x8010_0000);
    w = setBarAddress(w, 3, 0x1200n);
    w = setBarAddress(w, 4, 0x4_0000_0000);
    expect(barAddress(w, 0)).toBe(0x3fe0_0010_0000);
    expect(configRead(w, R.PCI_BASE_ADDRESS_0, 4)).toBe(0x0010000c);
    expect(configRead(w, R.PCI_BASE_ADDRESS_1, 4)).toBe(0x3fe0);
    expect(barAddress(w, 2)).toBe(0x8010_0000);
    expect(configRead(w, R.PCI_BASE_ADDRESS_3, 4)).toBe(0x1201);
    expect(barAddress(w, 4)).toBe(0x4_0000_0000);
    expect(configRead(w, R.PCI_BASE_ADDRESS_4, 4)).toBe(4);
    // Software writing the same value back (EEH restoring BARs) keeps it.
    const restored = configWrite(cs, R.PCI_BASE_ADDRESS_2, 4, 0x8010_0000);
    expect(barAddress(restored, 2)).toBe(0x8010_0000);
  });

  it("rejects impossible BAR addresses", () => {
    expect(() => setBarAddress(cs, 0, 0x1000)).toThrow(/aligned/);
    expect(() => setBarAddress(cs, 2, 0x1_0000_0000)).toThrow(ArgumentError);
    expect(() => setBarAddress(cs, 1, 0)).toThrow(/no BAR/);
    expect(() => setBarAddress(cs, 5, 0)).toThrow(/no BAR/);
    expect(() => barAddress(cs, 6)).toThrow(ArgumentError);
    expect(() => setBarAddress(cs, 0, -0x100000)).toThrow(ArgumentError);
  });
});

describe("config space: PCI Express capability", () => {
  it.each([
    ["endpoint", R.PCI_EXP_TYPE_ENDPOINT],
    ["vf", R.PCI_EXP_TYPE_ENDPOINT],
    ["root-port", R.PCI_EXP_TYPE_ROOT_PORT],
    ["upstream-port", R.PCI_EXP_TYPE_UPSTREAM],
    ["downstream-port", R.PCI_EXP_TYPE_DOWNSTREAM],
    ["pci-bridge", R.PCI_EXP_TYPE_PCI_BRIDGE],
  ] as const)("a %s has device/port type %i", (kind, type) => {
    const cs = createConfigSpace(fnSpec(kind));
    expect(findCapability(cs, R.PCI_CAP_ID_EXP)).toBe(0x40);
    expect(configRead(cs, E + R.PCI_CAP_LIST_ID, 1)).toBe(R.PCI_CAP_ID_EXP);
    expect(configRead(cs, E + R.PCI_EXP_FLAGS, 2) & R.PCI_EXP_FLAGS_VERS).toBe(2);
    expect(pcieType(cs)).toBe(type);
    expect((configRead(cs, E + R.PCI_EXP_FLAGS, 2) & R.PCI_EXP_FLAGS_TYPE) >> 4).toBe(type);
  });

  it("downstream-facing ports report link active, a slot and presence", () => {
    for (const kind of ["root-port", "downstream-port"] as const) {
      const cs = createConfigSpace(fnSpec(kind));
      expect(configRead(cs, E + R.PCI_EXP_LNKSTA, 2) & R.PCI_EXP_LNKSTA_DLLLA).toBe(R.PCI_EXP_LNKSTA_DLLLA);
      expect(configRead(cs, E + R.PCI_EXP_LNKCAP, 4) & R.PCI_EXP_LNKCAP_DLLLARC).toBe(R.PCI_EXP_LNKCAP_DLLLARC);
      expect(configRead(cs, E + R.PCI_EXP_FLAGS, 2) & R.PCI_EXP_FLAGS_SLOT).toBe(R.PCI_EXP_FLAGS_SLOT);
      expect(configRead(cs, E + R.PCI_EXP_SLTSTA, 2) & R.PCI_EXP_SLTSTA_PDS).toBe(R.PCI_EXP_SLTSTA_PDS);
      // Link disable is writable on these ports (Linux clears it when restoring a link).
      const w = configWrite(cs, E + R.PCI_EXP_LNKCTL, 2, R.PCI_EXP_LNKCTL_LD);
      expect(configRead(w, E + R.PCI_EXP_LNKCTL, 2)).toBe(R.PCI_EXP_LNKCTL_LD);
    }
    const ep = createConfigSpace(fnSpec("endpoint"));
    expect(configRead(ep, E + R.PCI_EXP_LNKSTA, 2) & R.PCI_EXP_LNKSTA_DLLLA).toBe(0);
    expect(configRead(ep, E + R.PCI_EXP_SLTSTA, 2)).toBe(0);
    expect(configRead(configWrite(ep, E + R.PCI_EXP_LNKCTL, 2, R.PCI_EXP_LNKCTL_LD), E + R.PCI_EXP_LNKCTL, 2)).toBe(0);
  });

  it("device control is RW with FLR reading 0; device status errors are RW1C", () => {
    const cs = createConfigSpace(fnSpec("endpoint"));
    expect(configRead(cs, E + R.PCI_EXP_DEVCAP, 4) & R.PCI_EXP_DEVCAP_FLR).toBe(R.PCI_EXP_DEVCAP_FLR);
    expect(configRead(cs, E + R.PCI_EXP_DEVCTL, 2)).toBe(0x2810);
    const w = configWrite(cs, E + R.PCI_EXP_DEVCTL, 2, 0xffff);
    expect(configRead(w, E + R.PCI_EXP_DEVCTL, 2)).toBe(0x7fff);
    const hw = withHardwareWrites(cs, (r) => r.set(E + R.PCI_EXP_DEVSTA, 2, R.PCI_EXP_DEVSTA_FED | R.PCI_EXP_DEVSTA_CED));
    const cleared = configWrite(hw, E + R.PCI_EXP_DEVSTA, 2, R.PCI_EXP_DEVSTA_FED);
    expect(configRead(cleared, E + R.PCI_EXP_DEVSTA, 2)).toBe(R.PCI_EXP_DEVSTA_CED);
  });

  it("root ports have root control/status", () => {
    const cs = createConfigSpace(fnSpec("root-port"));
    expect(configRead(configWrite(cs, E + R.PCI_EXP_RTCTL, 2, 0xffff), E + R.PCI_EXP_RTCTL, 2)).toBe(0x1f);
    const ep = createConfigSpace(fnSpec("endpoint"));
    expect(configRead(configWrite(ep, E + R.PCI_EXP_RTCTL, 2, 0xffff), E + R.PCI_EXP_RTCTL, 2)).toBe(0);
  });
});

describe("config space: AER capability (aer-xen.md §1)", () => {
  it("sits at 0x100 with id 1, version 2 and the default masks and severities", () => {
    const cs = createConfigSpace(fnSpec("endpoint"));
    expect(configRead(cs, A, 4)).toBe(0x00020001);
    expect(findExtCapability(cs, R.PCI_EXT_CAP_ID_ERR)).toBe(0x100);
    expect(configRead(cs, A + 0x04, 4)).toBe(0);
    expect(configRead(cs, A + 0x08, 4)).toBe(0x00400000);
    expect(configRead(cs, A + 0x0c, 4)).toBe(0x00462030);
    expect(configRead(cs, A + 0x10, 4)).toBe(0);
    expect(configRead(cs, A + 0x14, 4)).toBe(0x0000e000);
    expect(configRead(cs, A + 0x18, 4) & R.PCI_ERR_CAP_FEP_MASK).toBe(0);
    for (const off of [0x1c, 0x20, 0x24, 0x28]) expect(configRead(cs, A + off, 4)).toBe(0);
  });

  it("has the register offsets of the spec table", () => {
    expect([
      R.PCI_ERR_UNCOR_STATUS,
      R.PCI_ERR_UNCOR_MASK,
      R.PCI_ERR_UNCOR_SEVER,
      R.PCI_ERR_COR_STATUS,
      R.PCI_ERR_COR_MASK,
      R.PCI_ERR_CAP,
      R.PCI_ERR_HEADER_LOG,
      R.PCI_ERR_ROOT_COMMAND,
      R.PCI_ERR_ROOT_STATUS,
      R.PCI_ERR_ROOT_ERR_SRC,
    ]).toEqual([4, 8, 12, 16, 20, 24, 28, 44, 48, 52]);
  });

  it("has the bit values of the spec tables", () => {
    expect(R.PCI_ERR_UNC_DLP | R.PCI_ERR_UNC_SURPDN | R.PCI_ERR_UNC_FCP | R.PCI_ERR_UNC_RX_OVER | R.PCI_ERR_UNC_MALF_TLP | R.PCI_ERR_UNC_INTN).toBe(
      R.PCI_ERR_UNC_SEVERITY_DEFAULT,
    );
    expect(R.PCI_ERR_UNC_SEVERITY_DEFAULT).toBe(0x00462030);
    expect(R.PCI_ERR_UNC_MASK_DEFAULT).toBe(R.PCI_ERR_UNC_INTN);
    expect(R.PCI_ERR_COR_ADV_NFAT | R.PCI_ERR_COR_INTERNAL | R.PCI_ERR_COR_LOG_OVER).toBe(0xe000);
    expect([R.PCI_ERR_UNC_UND, R.PCI_ERR_UNC_POISON_TLP, R.PCI_ERR_UNC_COMP_TIME, R.PCI_ERR_UNC_COMP_ABORT, R.PCI_ERR_UNC_UNX_COMP]).toEqual([
      0x1, 0x1000, 0x4000, 0x8000, 0x10000,
    ]);
    expect([R.PCI_ERR_UNC_ECRC, R.PCI_ERR_UNC_UNSUP, R.PCI_ERR_UNC_ACSV, R.PCI_ERR_UNC_MCBTLP, R.PCI_ERR_UNC_ATOMEG, R.PCI_ERR_UNC_TLPPRE]).toEqual([
      0x80000, 0x100000, 0x200000, 0x800000, 0x1000000, 0x2000000,
    ]);
    expect([R.PCI_ERR_COR_RCVR, R.PCI_ERR_COR_BAD_TLP, R.PCI_ERR_COR_BAD_DLLP, R.PCI_ERR_COR_REP_ROLL, R.PCI_ERR_COR_REP_TIMER]).toEqual([
      0x1, 0x40, 0x80, 0x100, 0x1000,
    ]);
    expect(R.AER_LOG_TLP_MASKS).toBe(0x001d9000);
  });

  it("masks and severity are RW over the defined bits; status is RW1C", () => {
    let cs = createConfigSpace(fnSpec("endpoint"));
    cs = configWrite(cs, A + R.PCI_ERR_UNCOR_MASK, 4, 0xffffffff);
    expect(configRead(cs, A + R.PCI_ERR_UNCOR_MASK, 4)).toBe(R.PCI_ERR_UNC_DEFINED);
    cs = configWrite(cs, A + R.PCI_ERR_UNCOR_SEVER, 4, 0);
    expect(configRead(cs, A + R.PCI_ERR_UNCOR_SEVER, 4)).toBe(0);
    cs = configWrite(cs, A + R.PCI_ERR_COR_MASK, 4, 0xffffffff);
    expect(configRead(cs, A + R.PCI_ERR_COR_MASK, 4)).toBe(R.PCI_ERR_COR_DEFINED);
    // Software cannot set status bits, only clear them.
    expect(configRead(configWrite(cs, A + R.PCI_ERR_UNCOR_STATUS, 4, 0xffffffff), A + R.PCI_ERR_UNCOR_STATUS, 4)).toBe(0);
    const hw = withHardwareWrites(cs, (r) => {
      r.set(A + R.PCI_ERR_UNCOR_STATUS, 4, R.PCI_ERR_UNC_DLP | R.PCI_ERR_UNC_SURPDN);
      r.set(A + R.PCI_ERR_COR_STATUS, 4, R.PCI_ERR_COR_RCVR);
    });
    const w = configWrite(hw, A + R.PCI_ERR_UNCOR_STATUS, 4, R.PCI_ERR_UNC_DLP);
    expect(configRead(w, A + R.PCI_ERR_UNCOR_STATUS, 4)).toBe(R.PCI_ERR_UNC_SURPDN);
    expect(configRead(configWrite(hw, A + R.PCI_ERR_COR_STATUS, 4, 0xffffffff), A + R.PCI_ERR_COR_STATUS, 4)).toBe(0);
  });

  it("FEP and header log are read-only; ECRC enables are RW", () => {
    const cs = createConfigSpace(fnSpec("endpoint"));
    const w = configWrite(configWrite(cs, A + R.PCI_ERR_CAP, 4, 0xffffffff), A + R.PCI_ERR_HEADER_LOG, 4, 0xffffffff);
    expect(configRead(w, A + R.PCI_ERR_CAP, 4)).toBe(0x1e0);
    expect(configRead(w, A + R.PCI_ERR_HEADER_LOG, 4)).toBe(0);
  });

  it("root error registers exist only on root ports", () => {
    const ep = configWrite(createConfigSpace(fnSpec("endpoint")), A + R.PCI_ERR_ROOT_COMMAND, 4, 7);
    expect(configRead(ep, A + R.PCI_ERR_ROOT_COMMAND, 4)).toBe(0);
    const rp = createConfigSpace(fnSpec("root-port"));
    const w = configWrite(rp, A + R.PCI_ERR_ROOT_COMMAND, 4, 0xffffffff);
    expect(configRead(w, A + R.PCI_ERR_ROOT_COMMAND, 4)).toBe(7);
    const hw = withHardwareWrites(rp, (r) => r.set(A + R.PCI_ERR_ROOT_STATUS, 4, 0x45));
    expect(configRead(configWrite(hw, A + R.PCI_ERR_ROOT_STATUS, 4, 0x04), A + R.PCI_ERR_ROOT_STATUS, 4)).toBe(0x41);
  });

  it("is absent without aer: 0x100 reads 0", () => {
    const cs = createConfigSpace(fnSpec("endpoint", { aer: false }));
    expect(configRead(cs, 0x100, 4)).toBe(0);
    expect(configRead(cs, 0x108, 4)).toBe(0);
    expect(findExtCapability(cs, R.PCI_EXT_CAP_ID_ERR)).toBe(0);
  });
});

describe("config space: SR-IOV capability", () => {
  const sriov = { totalVfs: 8, numVfs: 4, vfDeviceId: 0x1014, firstVfOffset: 0x80, vfStride: 2 };
  it("follows AER and reports the VF layout", () => {
    const cs = createConfigSpace(fnSpec("endpoint", { sriov }));
    expect(configRead(cs, A, 4)).toBe(0x14020001); // next = 0x140
    expect(findExtCapability(cs, R.PCI_EXT_CAP_ID_SRIOV)).toBe(PCI_SRIOV_CAP_BASE);
    const s = PCI_SRIOV_CAP_BASE;
    expect(configRead(cs, s + R.PCI_SRIOV_TOTAL_VF, 2)).toBe(8);
    expect(configRead(cs, s + R.PCI_SRIOV_NUM_VF, 2)).toBe(4);
    expect(configRead(cs, s + R.PCI_SRIOV_VF_OFFSET, 2)).toBe(0x80);
    expect(configRead(cs, s + R.PCI_SRIOV_VF_STRIDE, 2)).toBe(2);
    expect(configRead(cs, s + R.PCI_SRIOV_VF_DID, 2)).toBe(0x1014);
    expect(configRead(cs, s + R.PCI_SRIOV_CTRL, 2)).toBe(R.PCI_SRIOV_CTRL_VFE | R.PCI_SRIOV_CTRL_MSE);
    const reset = resetConfigSpace(fnSpec("endpoint", { sriov }));
    expect(configRead(reset, s + R.PCI_SRIOV_CTRL, 2)).toBe(0);
    expect(configRead(reset, s + R.PCI_SRIOV_NUM_VF, 2)).toBe(0);
  });

  it("without AER is reached through a null capability at 0x100", () => {
    const cs = createConfigSpace(fnSpec("endpoint", { sriov, aer: false }));
    expect(findExtCapability(cs, R.PCI_EXT_CAP_ID_ERR)).toBe(0);
    expect(findExtCapability(cs, R.PCI_EXT_CAP_ID_SRIOV)).toBe(0x140);
  });

  it("a VF reports its PF's vendor and the VF device id it was given, no INTx", () => {
    const cs = createConfigSpace(fnSpec("vf", { deviceId: 0x1014 }));
    expect(configRead(cs, R.PCI_VENDOR_ID, 4)).toBe(0x101415b3);
    expect(configRead(cs, R.PCI_INTERRUPT_PIN, 1)).toBe(0);
  });
});

describe("config space: bridges", () => {
  const spec = fnSpec("downstream-port", { bars: [{ index: 0, type: "mem32", size: 0x1000, prefetchable: false }] });

  it("carries the bus numbers of the description, RW", () => {
    const cs = createConfigSpace(spec);
    expect(configRead(cs, R.PCI_HEADER_TYPE, 1)).toBe(R.PCI_HEADER_TYPE_BRIDGE);
    expect(bridgeBuses(cs)).toEqual({ primary: 2, secondary: 3, subordinate: 7 });
    expect(configRead(cs, R.PCI_PRIMARY_BUS, 4)).toBe(0x00070302);
    const w = configWrite(cs, R.PCI_SECONDARY_BUS, 1, 9);
    expect(bridgeBuses(w).secondary).toBe(9);
    expect(configBars(cs)).toEqual([{ index: 0, type: "mem32", prefetchable: false, size: 0x1000, address: 0 }]);
  });

  it("has RW windows and bridge control, RW1C secondary status", () => {
    const cs = createConfigSpace(spec);
    expect(bridgeWindow(cs, "mem")).toEqual({ base: 0, limit: 0xfffff });
    let w = setBridgeWindow(cs, "mem", { base: 0x8000_0000, limit: 0x80ff_ffff });
    w = setBridgeWindow(w, "pref", { base: 0x3fe0_0000_0000, limit: 0x3fe0_0fff_ffff });
    w = setBridgeWindow(w, "io", null);
    expect(bridgeWindow(w, "mem")).toEqual({ base: 0x8000_0000, limit: 0x80ff_ffff });
    expect(bridgeWindow(w, "pref")).toEqual({ base: 0x3fe0_0000_0000, limit: 0x3fe0_0fff_ffff });
    expect(bridgeWindow(w, "io")).toBeNull();
    expect(configRead(w, R.PCI_MEMORY_BASE, 4)).toBe(0x80f08000);
    expect(configRead(w, R.PCI_PREF_MEMORY_BASE, 2) & R.PCI_PREF_RANGE_TYPE_MASK).toBe(R.PCI_PREF_RANGE_TYPE_64);
    // EEH restores dwords 4..12 by plain config writes: the same values come back.
    let restored = createConfigSpace(spec);
    for (let d = 4; d <= 12; d++) restored = configWrite(restored, 4 * d, 4, configRead(w, 4 * d, 4));
    expect(bridgeWindow(restored, "pref")).toEqual(bridgeWindow(w, "pref"));
    expect(() => setBridgeWindow(cs, "mem", { base: 0x1000, limit: 0xfffff })).toThrow(ArgumentError);

    expect(configRead(configWrite(cs, R.PCI_BRIDGE_CONTROL, 2, 0xffff), R.PCI_BRIDGE_CONTROL, 2)).toBe(0x7f);
    const hw = withHardwareWrites(cs, (r) => r.set(R.PCI_SEC_STATUS, 2, R.PCI_STATUS_REC_MASTER_ABORT | R.PCI_STATUS_SIG_SYSTEM_ERROR));
    expect(configRead(configWrite(hw, R.PCI_SEC_STATUS, 2, R.PCI_STATUS_REC_MASTER_ABORT), R.PCI_SEC_STATUS, 2)).toBe(R.PCI_STATUS_SIG_SYSTEM_ERROR);
  });

  it("rejects bridge helpers on an endpoint", () => {
    expect(() => bridgeBuses(createConfigSpace(fnSpec("endpoint")))).toThrow(ArgumentError);
  });
});

describe("config space: reset", () => {
  it("returns power-on values: BARs, command, bus numbers zero", () => {
    let cs = createConfigSpace(endpoint);
    cs = setBarAddress(cs, 0, 0x100000);
    cs = configWrite(cs, R.PCI_COMMAND, 2, 6);
    const r = resetConfigSpace(endpoint);
    expect(barAddress(r, 0)).toBe(0);
    expect(configRead(r, R.PCI_COMMAND, 2)).toBe(0);
    expect(bridgeBuses(resetConfigSpace(fnSpec("root-port")))).toEqual({ primary: 0, secondary: 0, subordinate: 0 });
  });

  it("keeps the sticky AER registers when given the previous space", () => {
    let cs = createConfigSpace(endpoint);
    cs = withHardwareWrites(cs, (r) => {
      r.set(A + R.PCI_ERR_UNCOR_STATUS, 4, R.PCI_ERR_UNC_MALF_TLP);
      r.write(A + R.PCI_ERR_CAP, 4, 0xa0 | 18);
      r.write(A + R.PCI_ERR_HEADER_LOG, 4, 0x4a000001);
    });
    cs = configWrite(cs, A + R.PCI_ERR_UNCOR_MASK, 4, 0);
    cs = configWrite(cs, R.PCI_COMMAND, 2, 6);
    const r = resetConfigSpace(endpoint, cs);
    expect(configRead(r, A + R.PCI_ERR_UNCOR_STATUS, 4)).toBe(R.PCI_ERR_UNC_MALF_TLP);
    expect(configRead(r, A + R.PCI_ERR_UNCOR_MASK, 4)).toBe(0);
    expect(configRead(r, A + R.PCI_ERR_CAP, 4)).toBe(0xa0 | 18);
    expect(configRead(r, A + R.PCI_ERR_HEADER_LOG, 4)).toBe(0x4a000001);
    expect(configRead(r, R.PCI_COMMAND, 2)).toBe(0);
  });
});

describe("config space: properties", () => {
  const kinds: FunctionKind[] = ["endpoint", "vf", "root-port", "upstream-port", "downstream-port", "pci-bridge"];
  const arbWrite = fc.oneof(
    fc.integer({ min: 0, max: 0x7f }).chain((d) => fc.tuple(fc.constant(d * 4), fc.constant(4 as const), fc.integer({ min: 0, max: 0xffffffff }))),
    fc.integer({ min: 0, max: 0xff }).chain((h) => fc.tuple(fc.constant(h * 2), fc.constant(2 as const), fc.integer({ min: 0, max: 0xffff }))),
    fc.tuple(fc.integer({ min: 0, max: 0x1ff }), fc.constant(1 as const), fc.integer({ min: 0, max: 0xff })),
  );

  it("no software write changes ids, class, header type or capability headers", () => {
    fc.assert(
      fc.property(fc.constantFrom(...kinds), fc.array(arbWrite, { maxLength: 40 }), (kind, writes) => {
        const start = createConfigSpace(fnSpec(kind));
        const end = writes.reduce((cs, [off, size, value]) => configWrite(cs, off, size, value), start);
        for (const [off, size] of [
          [R.PCI_VENDOR_ID, 4],
          [R.PCI_CLASS_REVISION, 4],
          [R.PCI_HEADER_TYPE, 1],
          [R.PCI_CAPABILITY_LIST, 1],
          [E, 4],
          [A, 4],
        ] as const) {
          expect(configRead(end, off, size)).toBe(configRead(start, off, size));
        }
        // AER defaults are only changeable within the defined bits.
        expect(configRead(end, A + R.PCI_ERR_UNCOR_MASK, 4) & ~R.PCI_ERR_UNC_DEFINED).toBe(0);
        expect(configRead(end, A + R.PCI_ERR_UNCOR_STATUS, 4)).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it("byte, word and dword reads agree (little-endian)", () => {
    fc.assert(
      fc.property(fc.constantFrom(...kinds), fc.integer({ min: 0, max: 0x7f }), (kind, d) => {
        const cs = createConfigSpace(fnSpec(kind));
        const off = d * 4;
        const dword = configRead(cs, off, 4);
        expect(configRead(cs, off, 2) + configRead(cs, off + 2, 2) * 0x10000).toBe(dword);
        expect([0, 1, 2, 3].reduce((v, i) => v + configRead(cs, off + i, 1) * 2 ** (8 * i), 0)).toBe(dword);
      }),
    );
  });
});
