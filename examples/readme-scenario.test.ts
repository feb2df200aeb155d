// The README's scenario example, run as a test: the JSON shown there, loaded and run.
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { loadScenario, runScenario } from "../src/index.js";

it("README scenario example", async () => {
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
  const json = /## Scenarios[\s\S]*?```json\n([\s\S]*?)```/.exec(readme)![1]!;
  const { timeline } = await runScenario(loadScenario(json, "README.md"));
  expect(timeline.expectations.map((e) => [e.path, e.ok])).toEqual([
    ["expect[0]", true],
    ["expect[1]", true],
  ]);
});
