import { describe, expect, it } from "vitest";
import { pino } from "pino";
import { VirtualClock } from "../../src/core/clock.js";
import { HostLog } from "../../src/eeh/host-log.js";

describe("host log", () => {
  it("every record goes through pino with the Linux line and its bindings; time is virtual", () => {
    const clock = new VirtualClock();
    const seen: Array<Record<string, unknown>> = [];
    const external = pino({ level: "debug", base: undefined, timestamp: false }, { write: (s: string) => void seen.push(JSON.parse(s)) });
    const log = new HostLog(clock, external);
    clock.advanceBy(1500);
    log.line("err", "EEH: Recovering PHB#0-PE#fa", { phb: 0, pe: 0xfa });
    log.line("debug", "hidden like pr_debug");
    expect(log.records).toEqual([{ time: 1500, level: "err", line: "EEH: Recovering PHB#0-PE#fa", phb: 0, pe: 0xfa }]);
    expect(seen).toEqual([{ level: 50, vtime: 1500, line: "EEH: Recovering PHB#0-PE#fa", phb: 0, pe: 0xfa }]);
    expect(log.dmesg()).toEqual(["[    1.500000] EEH: Recovering PHB#0-PE#fa"]);
  });
});
