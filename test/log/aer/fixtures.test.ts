// The AER lines the emulator prints are read back by the decode pipeline (`eeh-emu decode
// --format aer`, and detected in auto mode): regenerate the emulated fixtures, compare, and
// decode them and a hand-written capture.
import { readFileSync } from "node:fs";
import { runCli } from "../../cli/run-cli.js";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { VirtualClock } from "../../../src/core/clock.js";
import { HostLog } from "../../../src/eeh/host-log.js";
import { Machine } from "../../../src/ioda/machine.js";
import { AerHost } from "../../../src/aer/aer-host.js";
import { scriptedAerDriver } from "../../../src/aer/driver.js";
import { decodeInput } from "../../../src/log/auto-decode.js";
import type { AerLogFormat } from "../../../src/log/aer/names.js";
import { PCI_ERR_COR_BAD_TLP, PCI_ERR_COR_RCVR, PCI_ERR_UNC_MALF_TLP, PCI_ERR_UNC_UNSUP } from "../../../src/pci/regs.js";
import { switchPhb } from "../../ioda/fixtures.js";

const FIX = join(import.meta.dirname, "../../../fixtures/aer");
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** The fixed run of fixtures/aer/README.md. */
async function emulatedLog(format: AerLogFormat): Promise<string> {
  const m = Machine.build({ phbs: [switchPhb(0, "ioda2", 2)] });
  const clock = new VirtualClock(8_123_441);
  const log = new HostLog(clock);
  const host = new AerHost(m, clock, log, {
    format,
    drivers: {
      "0000:03:00.0": scriptedAerDriver("e1000e", { errorDetected: "can recover", mmioEnabled: "recovered", corErrorDetected: true }),
      "0000:04:00.0": scriptedAerDriver("nvme", {}),
    },
  });
  const step = async (ms: number, f: () => void): Promise<void> => {
    clock.advanceBy(ms);
    f();
    await host.settle();
  };
  await step(0, () => host.injectCorrectable("0000:03:00.0", PCI_ERR_COR_RCVR));
  await step(1500, () => host.injectCorrectable("0000:03:00.0", PCI_ERR_COR_BAD_TLP));
  await step(2000, () => host.injectUncorrectable("0000:03:00.0", PCI_ERR_UNC_UNSUP, [0x40000001, 0x0000000f, 0xfee00000, 0]));
  await step(3000, () => host.injectUncorrectable("0000:04:00.0", PCI_ERR_UNC_UNSUP, [0x00000001, 0x0100000f, 0x00001000, 0]));
  await step(1000, () => host.injectUncorrectable("0000:03:00.0", PCI_ERR_UNC_MALF_TLP, [0x4a000001, 0x01000004, 0xdeadbeef, 0]));
  return log.dmesg().join("\n") + "\n";
}

afterEach(() => vi.restoreAllMocks());

describe("emulated AER logs", () => {
  for (const format of ["mainline", "v4.19", "legacy"] as const) {
    it(`${format}: the fixture is what the emulator prints, and decodes back to the run`, async () => {
      const text = await emulatedLog(format);
      expect(text).toBe(readFileSync(join(FIX, `emulated-${format}.dmesg`), "utf8"));
      const [item] = decodeInput(enc(text), "aer");
      if (item?.kind !== "aer-log") throw new Error("not decoded as AER");
      expect(item.reports).toHaveLength(5);
      expect(item.reports.every((r) => r.formats.includes(format))).toBe(true);
      const [rx, bad, ur0, ur1, fatal] = item.reports;
      expect(rx!.root?.severity).toBe("correctable");
      expect(rx!.devices[0]!.bits).toEqual([{ kind: "bit", bit: 0, name: format === "legacy" ? "Receiver Error" : "RxErr", first: true }]);
      expect(bad!.devices[0]).toMatchObject({ status: 0x40, mask: 0xe000, layer: "Data Link Layer", agent: "Receiver ID" });
      expect(ur0!.devices[0]!.tlp?.dwords).toEqual([0x40000001, 0xf, 0xfee00000, 0]);
      expect(ur1!.root?.source).toBe(format === "legacy" ? 0x0400 : "0000:04:00.0");
      expect(fatal!.devices[0]).toMatchObject({ inaccessible: true, severity: "fatal" });
      expect(item.events.map((e) => e.body.kind)).toEqual(["enabled", "recovery-successful", "cant-recover-no-callback", "recovery-failed", "link-reset", "recovery-successful"]);
      // auto mode finds the same
      expect(decodeInput(enc(text), "auto")).toEqual([item]);
      expect(decodeInput(enc(text), "dmesg")).toEqual([item]);
    });
  }
});

describe("eeh-emu decode --format aer", () => {
  it("prints the reports and the recovery lines", async () => {
    const r = await runCli(["decode", "--format", "aer", join(FIX, "emulated-v4.19.dmesg")]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("== AER Uncorrected (Non-Fatal) from 0000:03:00.0, root port 0000:00:00.0 (line 10, v4.19 format) ==");
    expect(r.out).toContain("bit 20 UnsupReq (Unsupported Request)  (First)");
    expect(r.out).toContain("registers not read (link may be down): type Inaccessible");
    expect(r.out).toContain("link-reset  0000:02:00.0: Downstream Port link has been reset (0)");
  });
  it("a hand-written capture: syslog prefixes, 5.x `AER: ` variants, interleaved lines", async () => {
    const [item] = decodeInput(readFileSync(join(FIX, "handwritten-v4.19.log")), "auto");
    if (item?.kind !== "aer-log") throw new Error("not decoded as AER");
    expect(item.reports).toHaveLength(3);
    expect(item.reports[0]!.devices[0]).toMatchObject({ dev: { driver: "ice", address: "0000:e9:00.0" }, status: 0x40, mask: 0x2000 });
    expect(item.reports[0]!.devices[0]!.bits.map((b) => b.name)).toEqual(["BadTLP"]);
    expect(item.reports[1]!.devices[0]!.bits[0]).toMatchObject({ bit: 20, first: true });
    expect(item.reports[2]!.devices[0]!.inaccessible).toBe(true);
    expect(item.events.map((e) => e.body.kind)).toEqual(["inject", "cant-recover-no-callback", "recovery-failed", "link-reset", "recovery-successful"]);
    const r = await runCli(["decode", "--json", join(FIX, "handwritten-v4.19.log")]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out.trim()).kind).toBe("aer-log");
  });
  it("text without AER lines, or binary, is bad input (exit 1)", async () => {
    const r = await runCli(["decode", "--format", "aer", join(FIX, "inject-lkml.txt")]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("no PCIe AER log line in the text at line 1");
    expect(() => decodeInput(new Uint8Array([0, 1, 2]), "aer")).toThrow(/expected aer text/);
  });
});
