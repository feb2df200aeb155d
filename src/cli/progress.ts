// A progress bar for long commands: shown on a terminal only, and only once the work has
// taken more than 2 s of wall time (short runs print nothing extra). The CLI is the one
// place that reads the wall clock; the emulator below it never does.

export interface ProgressBar {
  update(fraction: number, note?: string): void;
  done(): void;
}

const DELAY_MS = 2000;
const WIDTH = 30;

export function progressBar(stream: NodeJS.WriteStream, label: string, now: () => number = Date.now): ProgressBar {
  const start = now();
  let shown = false;
  let last = -1;
  return {
    update(fraction, note) {
      if (!stream.isTTY || now() - start < DELAY_MS) return;
      const f = Math.min(1, Math.max(0, fraction));
      const pct = Math.floor(f * 100);
      if (pct === last) return;
      last = pct;
      shown = true;
      const filled = Math.round(f * WIDTH);
      stream.write(`\r${label} [${"#".repeat(filled)}${".".repeat(WIDTH - filled)}] ${String(pct).padStart(3)}%${note ? ` ${note}` : ""}\x1b[K`);
    },
    done() {
      if (shown) stream.write("\r\x1b[K");
    },
  };
}
