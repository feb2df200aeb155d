// fixtures/rtas/emitted/: the logs this platform emits for each EEH situation — recovered
// and permanent, MMIO and DMA, bus / device / VF PEs on IODA2 and bus / device PEs on IODA1,
// a PE lost to a permanent link fault, and an error injected through ibm,errinjct — as the
// .bin ibm,slot-error-detail returned, its decoding (.json, decodeRtasLog's output with
// bigints as "0x…" strings and byte arrays as hex strings) and the /var/log/platform text
// rtas_errd wrote for it (.txt). This test rebuilds every one and compares byte for byte.
//
// Regenerate after an intended change:  UPDATE_FIXTURES=1 npx vitest run test/platform/pseries/emitted-fixtures.test.ts

import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { injectBadDma, injectLinkDown, injectMmioError } from "../../../src/ioda/faults.js";
import { decodeRtasLog, decodeRtasText, rtasLogProblems } from "../../../src/log/rtas/index.js";
import {
  EEH_ERR_TYPE_32,
  RTAS_SLOT_PERM_ERR_LOG,
  RTAS_SLOT_RESET_DEACTIVATE,
  RTAS_SLOT_RESET_HOT,
  RTAS_SLOT_TEMP_ERR_LOG,
  encodeIoaBusErrorWorkArea,
  ioaBusErrorToken,
} from "../../../src/platform/pseries/index.js";
import { errorDetail, readState, section, slotReset } from "./helpers.js";
import { newPlatform } from "./machines.js";

const DIR = new URL("../../../fixtures/rtas/emitted/", import.meta.url);
const UPDATE = process.env.UPDATE_FIXTURES === "1";

type Platform = ReturnType<typeof newPlatform>;

interface Situation {
  readonly name: string;
  readonly what: string;
  readonly fn: string;
  readonly severity: number;
  readonly src: "BA188001" | "BA188002";
  /** Break the machine (and drive firmware) so that `fn`'s PE has an error to report. */
  readonly fault: (p: Platform) => void;
}

const TEMP = RTAS_SLOT_TEMP_ERR_LOG;
const PERM = RTAS_SLOT_PERM_ERR_LOG;
const mmio = (fn: string) => (p: Platform) => void injectMmioError(p.m, fn);
const dma = (fn: string) => (p: Platform) => void injectBadDma(p.m, fn);

const SITUATIONS: readonly Situation[] = [
  ...(
    [
      ["ioda2-bus-pe", "IODA2 bus PE (two-function adapter)", "0000:03:00.1"],
      ["ioda2-device-pe", "IODA2 device PE (sharing its bus)", "0000:04:00.0"],
      ["ioda2-vf-pe", "IODA2 VF PE", "0000:05:10.1"],
    ] as const
  ).flatMap(([name, what, fn]) => [
    { name: `${name}-mmio-recovered`, what: `${what}, MMIO load nobody decodes (UR), temporary log`, fn, severity: TEMP, src: "BA188001" as const, fault: mmio(fn) },
    { name: `${name}-mmio-permanent`, what: `${what}, MMIO load nobody decodes (UR), permanent log`, fn, severity: PERM, src: "BA188002" as const, fault: mmio(fn) },
    { name: `${name}-dma-recovered`, what: `${what}, DMA outside the TCE mappings, temporary log`, fn, severity: TEMP, src: "BA188001" as const, fault: dma(fn) },
    { name: `${name}-dma-permanent`, what: `${what}, DMA outside the TCE mappings, permanent log`, fn, severity: PERM, src: "BA188002" as const, fault: dma(fn) },
  ]),
  { name: "ioda1-bus-pe-mmio-recovered", what: "IODA1 bus PE, MMIO UR (adapter config reads all ones while frozen), temporary log", fn: "0001:03:00.0", severity: TEMP, src: "BA188001", fault: mmio("0001:03:00.0") },
  { name: "ioda1-device-pe-dma-permanent", what: "IODA1 device PE, bad DMA, permanent log", fn: "0001:04:00.0", severity: PERM, src: "BA188002", fault: dma("0001:04:00.0") },
  {
    name: "ioda2-bus-pe-link-lost",
    what: "IODA2 bus PE behind a permanently failed link: the reset cannot bring it back, so even the temporary log is BA188002",
    fn: "0000:03:00.0",
    severity: TEMP,
    src: "BA188002",
    fault: (p) => {
      injectLinkDown(p.m, "0000:02:00.0", { permanent: true });
      readState(p.rtas, "0000:03:00.0");
      slotReset(p.rtas, "0000:03:00.0", RTAS_SLOT_RESET_HOT);
      p.clock.advanceBy(250);
      slotReset(p.rtas, "0000:03:00.0", RTAS_SLOT_RESET_DEACTIVATE);
    },
  },
  {
    name: "ioda2-device-pe-errinjct-recovered",
    what: "IODA2 device PE, ibm,errinjct ioa-bus-error (32-bit load data) then an MMIO load, temporary log",
    fn: "0000:04:01.0",
    severity: TEMP,
    src: "BA188001",
    fault: ({ m, rtas }) => {
      const { token } = rtas.openErrinjct();
      const h = rtas.handleOf("0000:04:01.0");
      rtas.errinjct(ioaBusErrorToken(EEH_ERR_TYPE_32), token, encodeIoaBusErrorWorkArea({ type: EEH_ERR_TYPE_32, func: 1, addr: 0n, mask: 0n, ...h }));
      rtas.closeErrinjct(token);
      const bar = m.phbLayout(0).barsByRid.get(0x408)!.find((b) => b.type === "mem32")!;
      m.mmioLoad(bar.cpuStart + 0x10n, 4);
    },
  },
];

/** decodeRtasLog's output as JSON: bigints as "0x…", byte arrays as hex strings. */
export function fixtureJson(value: unknown): string {
  return (
    JSON.stringify(
      value,
      (_key, v: unknown) => {
        if (typeof v === "bigint") return `0x${v.toString(16)}`;
        if (v instanceof Uint8Array) return Buffer.from(v).toString("hex");
        return v;
      },
      2,
    ) + "\n"
  );
}

function emit(s: Situation, index: number): { bin: Uint8Array; json: string; txt: string } {
  const p = newPlatform();
  p.clock.advanceTo(1000 * (index + 1) + 420); // a distinct, fixed detection time per situation
  s.fault(p);
  const r = errorDetail(p.rtas, s.fn, s.severity);
  if (r.status !== 0) throw new Error(`${s.name}: ibm,slot-error-detail returned ${r.status}`);
  return { bin: r.log, json: fixtureJson(decodeRtasLog(r.log)), txt: p.rtas.platformLog.text() };
}

function readme(): string {
  const rows = SITUATIONS.map((s) => `| ${s.name} | ${s.src} | ${s.what} |`);
  return [
    "# Emitted RTAS EEH error logs",
    "",
    "Made by the pSeries platform (`src/platform/pseries/`) on the machine of",
    "`test/platform/pseries/machines.ts`, one situation per file stem: `<stem>.bin` is what",
    "`ibm,slot-error-detail` returned, `<stem>.json` its `decodeRtasLog` decoding (bigints as",
    '`"0x…"` strings, byte arrays as hex strings), `<stem>.txt` the `/var/log/platform` text',
    "rtas_errd wrote for it. `test/platform/pseries/emitted-fixtures.test.ts` rebuilds them",
    "and compares byte for byte; after an intended change regenerate them with",
    "",
    "    UPDATE_FIXTURES=1 npx vitest run test/platform/pseries/emitted-fixtures.test.ts",
    "",
    "| Stem | SRC | Situation |",
    "|---|---|---|",
    ...rows,
    "",
  ].join("\n");
}

describe("fixtures/rtas/emitted", () => {
  if (UPDATE) mkdirSync(DIR, { recursive: true });

  it("README lists every situation", () => {
    const url = new URL("README.md", DIR);
    if (UPDATE) writeFileSync(url, readme());
    expect(readFileSync(url, "utf8")).toBe(readme());
  });

  SITUATIONS.forEach((s, i) => {
    it(`${s.name}: rebuilt byte for byte; ${s.src}; decodes as its .json and reads back from its .txt`, () => {
      const out = emit(s, i);
      const file = (ext: string) => new URL(`${s.name}.${ext}`, DIR);
      if (UPDATE) {
        writeFileSync(file("bin"), out.bin);
        writeFileSync(file("json"), out.json);
        writeFileSync(file("txt"), out.txt);
      }
      expect(existsSync(file("bin")), `${s.name}.bin missing: run with UPDATE_FIXTURES=1`).toBe(true);
      const bin = new Uint8Array(readFileSync(file("bin")));
      expect(Buffer.from(out.bin).equals(Buffer.from(bin))).toBe(true);
      expect(readFileSync(file("json"), "utf8")).toBe(out.json);
      expect(readFileSync(file("txt"), "utf8")).toBe(out.txt);
      const log = decodeRtasLog(bin);
      expect(section(log, "src").referenceCode).toBe(s.src);
      expect(rtasLogProblems(log)).toEqual([]);
      expect(bin.length).toBeLessThanOrEqual(2048);
      expect(decodeRtasText(readFileSync(file("txt"), "utf8"))).toEqual([log]);
    });
  });
});
