import { describe, expect, it } from "vitest";
import { formatDuration, formatTime, hexDumpLines, readableJson } from "../../src/report/format.js";
import { esc } from "../../src/report/html.js";

describe("report text formats", () => {
  it("prints times as dmesg seconds and durations for people", () => {
    expect(formatTime(0)).toBe("0.000000");
    expect(formatTime(3_601_752.5)).toBe("3601.752500");
    expect(formatDuration(0.25)).toBe("250 µs");
    expect(formatDuration(250)).toBe("250 ms");
    expect(formatDuration(1500)).toBe("1.5 s");
    expect(formatDuration(120_000)).toBe("2 min");
    expect(formatDuration(3_598_000)).toBe("59 min 58 s");
    expect(formatDuration(3_600_000)).toBe("1 h 0 min");
    expect(formatDuration(3_600_500)).toBe("1 h 0 min 0.5 s");
  });

  it("dumps hex like xxd -g 4, and refuses what is not hex", () => {
    expect(hexDumpLines("00010203414243ff" + "00".repeat(9))).toEqual([
      "00000000: 00010203 414243ff 00000000 00000000  ....ABC.........",
      "00000010: 00                                   .",
    ]);
    expect(hexDumpLines("")).toEqual([]);
    expect(hexDumpLines("abc")).toBeUndefined();
    expect(hexDumpLines("zz")).toBeUndefined();
  });

  it("lays JSON out for reading and keeps it valid JSON", () => {
    const v = { a: 1, b: [1, 2, 3], pest: Array.from({ length: 20 }, (_, i) => `0x${i}`), nested: [{ x: null }, []], e: {} };
    const text = readableJson(v);
    expect(JSON.parse(text)).toEqual(v);
    expect(text).toContain('"b": [1, 2, 3]');
    expect(text.split("\n").filter((l) => l.includes('"0x')).length).toBe(3); // rows of 8
    expect(readableJson(5n)).toBe('"0x5"');
  });

  it("escapes the five HTML-special characters", () => {
    expect(esc(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });
});
