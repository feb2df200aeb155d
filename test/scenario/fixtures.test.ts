// Every scenario in fixtures/scenarios runs, and every expectation it states holds. Beside
// the file's own expectations, each test pins what the issue asks that scenario to show.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenario, runScenario, type Timeline } from "../../src/scenario/index.js";

const DIR = join(import.meta.dirname, "../../fixtures/scenarios");

async function run(name: string): Promise<Timeline> {
  const file = join(DIR, `${name}.json`);
  const r = await runScenario(loadScenario(readFileSync(file, "utf8"), file), { file });
  return r.timeline;
}

const failures = (tl: Timeline) => tl.expectations.filter((e) => !e.ok).map((e) => `${e.path}: ${e.description} (${e.detail})`);

describe("fixtures/scenarios", () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith(".json"));

  it("ships the ten scenarios the issue lists", () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  for (const f of files) {
    it(`${f}: every expectation holds`, async () => {
      const tl = await run(f.replace(/\.json$/, ""));
      expect(failures(tl)).toEqual([]);
      expect(tl.expectations.length).toBeGreaterThan(0);
      expect(tl.ok).toBe(true);
    });
  }

  it("DMA IOMMU fault on IODA2: the diag blob names the faulting address and the PE recovers", async () => {
    const tl = await run("dma-iommu-fault-ioda2");
    const diag = tl.logs.find((l) => l.kind === "opal-diag")!;
    expect(diag.headline).toContain("0x7ffff000");
    expect(diag.size).toBe(4392); // PHB3 diag-data blob (powernv-opal.md)
    expect(tl.lines.some((l) => l.line.includes("EEH: Recovery successful."))).toBe(true);
  });

  it("MMIO error on IODA1: P7IOC blocks config reads of the frozen PE", async () => {
    const tl = await run("mmio-error-ioda1");
    expect(tl.phbs[0]).toMatchObject({ model: "ioda1", chip: "P7IOC", numPes: 128 });
    expect(tl.events.some((e) => e.text.includes("host config read") && e.text.includes("0xffffffff"))).toBe(true);
    expect(tl.logs.find((l) => l.kind === "opal-diag")!.size).toBe(2320); // P7IOC blob
  });

  it("link loss behind a switch: the bus PE and its children freeze, the other branch does not", async () => {
    const tl = await run("link-loss-behind-switch");
    const freeze = tl.events.find((e) => e.kind === "hardware" && e.text.includes("frozen"))!;
    expect(freeze.text).toMatch(/PHB#0-PE#fa frozen.*PELT-V also freezes PE#f8 PE#f9/);
    expect(tl.states.filter((s) => s.pe === "PHB#0-PE#f7").map((s) => s.state)).toEqual(["normal"]);
  });

  it("freeze limit: five recoveries, then the device is removed", async () => {
    const tl = await run("freeze-limit");
    expect(tl.lines.filter((l) => l.line.includes("EEH: Recovery successful")).length).toBe(5);
    const nvme = tl.states.filter((s) => s.pe === tl.pes.find((p) => p.devices.some((d) => d.includes("nvme0")))!.id);
    expect(nvme.at(-1)!.state).toBe("removed");
  });

  it("VFIO guest: the documented flow in order, and the host leaves the PE to its owner", async () => {
    const tl = await run("vfio-guest-recovery");
    const ops = tl.lines.filter((l) => l.source === "guest-vm1" && l.line.startsWith("VFIO_EEH_PE_OP")).map((l) => l.line.replace(/^VFIO_EEH_PE_OP (\S+).*/, "$1"));
    expect(ops).toEqual(["GET_STATE", "UNFREEZE_IO", "RESET_HOT", "RESET_DEACTIVATE", "CONFIGURE", "GET_STATE"]);
    expect(tl.pes.find((p) => p.owner === "vm1")?.devices.join()).toContain("nvme0");
    expect(tl.guests).toEqual([{ name: "vm1", hypervisor: "qemu-spapr", outcome: "recovered" }]);
    // The lane: frozen by the fault, held in reset by the guest from RESET_HOT to RESET_DEACTIVATE.
    expect(tl.states.filter((s) => s.pe === "PHB#0-PE#fa").map((s) => s.state)).toEqual(["normal", "frozen", "resetting", "normal"]);
    expect(tl.logs.every((l) => l.domain === 0)).toBe(true);
  });

  it("guest flood: 20 000 injections leave a bounded host log", async () => {
    const tl = await run("guest-flood");
    const host = tl.lines.filter((l) => l.source === "host");
    expect(host.length).toBeLessThanOrEqual(200);
    expect(host.some((l) => /guest evil: \d+ messages suppressed/.test(l.line))).toBe(true);
  });

  it("pSeries: the same fault yields an RTAS v6 log with an EEH SRC", async () => {
    const tl = await run("pseries-rtas");
    const rtas = tl.logs.filter((l) => l.kind === "rtas");
    expect(rtas.length).toBeGreaterThan(0);
    expect(rtas[0]!.headline).toMatch(/^SRC BA18800[12]/);
  });

  it("comparison: EEH with VFIO survives, QEMU's vm_stop does not, Xen's guest sees AER callbacks", async () => {
    const tl = await run("compare-xen-qemu");
    expect(tl.guests.map((g) => [g.name, g.outcome])).toEqual([
      ["eeh-vfio", "survived"],
      ["xen-pciback", "survived"],
      ["qemu-vfio-aer", "did not survive"],
    ]);
    expect(tl.events.some((e) => e.guest === "xen-pciback" && e.text.includes("error_detected"))).toBe(true);
  });
});
