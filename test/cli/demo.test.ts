import { describe, expect, it, vi } from "vitest";
import { demoLines, demoText } from "../../src/cli/demo.js";
import { main } from "../../src/cli/main.js";

describe("eeh-emu demo", () => {
  it("tells which PE froze and why, what loads return, and the PEST bits", () => {
    const text = demoLines().join("\n");
    expect(text).toContain("PHB#0  IODA2 (PHB3), 256 PEs, reserved PE#ff");
    expect(text).toContain("PHB#1  IODA1 (P7IOC), 128 PEs, reserved PE#7f");
    expect(text).toContain("dma-tce-page-fault: PHB#0-PE#fa frozen");
    expect(text).toMatch(/PESTB\[fa\] = 800000007ffff000 {2}DMA stopped, failing address 0x7ffff000/);
    expect(text).toContain("mmio-ur: PHB#1-PE#7b frozen");
    expect(text).toMatch(/PESTA\[7b\] = a440002900000000 {2}MMIO frozen, MMIO load, MMIO cause, UR, LEM bit 41/);
    expect(text).toMatch(/load32 nvme0 BAR0 .* → 0xffffffff {2}\(all ones: the PE is frozen\)/);
    expect(text).toMatch(/load32 eth0 +BAR0 .* → 0x101315b3/);
    expect(text).toContain("still dropped (DMA stays stopped)");
  });
  it("ends with Linux recovering the same fault, with the interpretation of the captured blob", async () => {
    const text = (await demoText()).join("\n");
    expect(text).toContain("EEH: Recovery successful.");
    expect(text).toContain("DMA IOMMU fault: TCE page fault at 0x7ffff000 by 04:00.0 on PE#fa");
    expect(text).toContain("driver calls: error_detected(IO frozen) → slot_reset → resume");
  });
  it("usage errors exit 2, help exits 0", async () => {
    const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      expect(await main(["--help"])).toBe(0);
      expect(await main(["demo", "--help"])).toBe(0);
      expect(await main(["nope"])).toBe(2);
      expect(await main(["demo", "extra"])).toBe(2);
      expect(await main([])).toBe(2);
      expect(String(err.mock.calls.at(-1)?.[0] ?? err.mock.calls.at(-2)?.[0])).toContain("eeh-emu");
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
  });
});
