// `eeh-emu decode`: detection, output, JSON, and bad input (one line, exit 1).
import { describe, expect, it, vi, afterEach } from "vitest";
import { runCli } from "./run-cli.js";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const FIX = join(import.meta.dirname, "../../fixtures");


afterEach(() => vi.restoreAllMocks());

describe("eeh-emu decode", () => {
  it("a binary PHB3 diag blob: Linux's dump lines", async () => {
    const r = await runCli(["decode", join(FIX, "opal/emulated/ioda2-dma-page-fault.bin")]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("== OPAL PHB diag data: PHB3, version 1 ==");
    expect(r.out).toContain("InAErr:      0000020000000000 0000020000000000 0000000000000400 000000007ffff000");
    expect(r.out).toMatch(/PE\[0fa\] A\/B: 8000202b04000000 800000007ffff000/);
  });
  it("the same blob as a hex dump decodes the same, legacy print on request", async () => {
    const bin = readFileSync(join(FIX, "opal/emulated/ioda1-mmio-ur.bin"));
    const hex = Buffer.from(bin).toString("hex").replace(/(.{32})/g, "$1\n");
    const dir = mkdtempSync(join(tmpdir(), "eeh-"));
    writeFileSync(join(dir, "blob.hex"), hex);
    const r = await runCli(["decode", "--print", "legacy", join(dir, "blob.hex")]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("P7IOC PHB#0 Diag-data (Version: 1)");
    expect(r.out).toMatch(/PE\[123\] A\/B: a440002900000000/);
  });
  it("dmesg text: dumps and EEH lines; --json gives one object per item", async () => {
    const r = await runCli(["decode", "--json", join(FIX, "opal/syslog-two-dumps.log")]);
    expect(r.code).toBe(0);
    const items = r.out.trim().split("\n").map((l) => JSON.parse(l));
    expect(items.filter((i) => i.kind === "dmesg-dump").length).toBe(2);
    expect(items.at(-1).kind).toBe("eeh-events");
  });
  it("RTAS platform-log text", async () => {
    const r = await runCli(["decode", join(FIX, "rtas/platform-eeh.txt")]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("SRC BA188002");
    expect(r.out).toContain("EEH Event Notification");
  });
  it("an emitted RTAS log: binary, hex dump, and platform-log text decode alike; --json", async () => {
    const bin = join(FIX, "rtas/emitted/ioda2-bus-pe-dma-permanent.bin");
    const a = await runCli(["decode", bin]);
    expect(a.code).toBe(0);
    expect(a.out).toContain("SRC BA188002");
    const dir = mkdtempSync(join(tmpdir(), "eeh-"));
    writeFileSync(join(dir, "log.hex"), Buffer.from(readFileSync(bin)).toString("hex").replace(/(.{32})/g, "$1\n"));
    const b = await runCli(["decode", "--format", "hex", join(dir, "log.hex")]);
    expect(b.out).toBe(a.out);
    const c = await runCli(["decode", "--json", join(FIX, "rtas/emitted/ioda2-bus-pe-dma-permanent.txt")]);
    const items = c.out.trim().split("\n").map((l) => JSON.parse(l));
    expect(items[0].kind).toBe("rtas-log");
    expect(items[0].log.header.type).toBe(0xe0);
  });
  it("bad input: one line on stderr naming the file and the byte, exit 1", async () => {
    const dir = mkdtempSync(join(tmpdir(), "eeh-"));
    writeFileSync(join(dir, "junk.bin"), Uint8Array.from([1, 2, 3, 0, 0xff, 0x80]));
    const r = await runCli(["decode", join(dir, "junk.bin")]);
    expect(r.code).toBe(1);
    expect(r.err.trim().split("\n")).toHaveLength(1);
    expect(r.err).toMatch(/junk\.bin: .* at byte \d+/);
    const t = await runCli(["decode", "--format", "opal", join(dir, "junk.bin")]);
    expect(t.code).toBe(1);
    expect(await runCli(["decode", join(dir, "missing.bin")])).toMatchObject({ code: 1, err: expect.stringContaining("no such file") });
  });
  it("usage errors exit 2", async () => {
    expect((await runCli(["decode"])).code).toBe(2);
    expect((await runCli(["decode", "--format", "xml", "x"])).code).toBe(2);
    expect((await runCli(["decode", "--frobnicate", "x"])).code).toBe(2);
    expect((await runCli(["decode", "--help"])).code).toBe(0);
  });
});

describe("eeh-emu run --compare", () => {
  it("runs a comparison file under the three models; bad files exit 1 naming the JSON path", async () => {
    const ok = await runCli(["run", "--compare", join(FIX, "aer/compare-fatal-aware.json"), "--json"]);
    expect(ok.code).toBe(0);
    const report = JSON.parse(ok.out);
    expect(report.models.map((r: { model: string }) => r.model)).toEqual(["eeh-vfio", "xen-pciback", "qemu-vfio-aer"]);
    const bad = await runCli(["run", "--compare", join(FIX, "aer/compare-bad.json")]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/driver\.slot_reset/);
    expect((await runCli(["run", "--compare"])).code).toBe(2);
  });
});
