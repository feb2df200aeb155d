import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/core/clock.js";
import { WorkLoop } from "../../src/core/work-loop.js";

describe("WorkLoop", () => {
  it("runs work one at a time, joins a running loop, and can be drained again after finishing synchronously", async () => {
    const clock = new VirtualClock();
    const queue: string[] = [];
    const done: string[] = [];
    const loop = new WorkLoop(clock, () => {
      const w = queue.shift();
      return w === undefined ? undefined : async () => {
        if (w.startsWith("slow")) await clock.sleep(250);
        done.push(`${w}@${clock.now()}`);
      };
    });
    await loop.settle(); // empty: finishes synchronously
    queue.push("a");
    await loop.settle(); // must not be stuck on the finished run
    queue.push("slow1", "b");
    const first = loop.drain();
    expect(loop.drain()).toBe(first);
    await clock.runUntilIdle();
    await first;
    expect(done).toEqual(["a@0", "slow1@250", "b@250"]);
  });
});
