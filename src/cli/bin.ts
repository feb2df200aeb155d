// Process entry of the `eeh-emu` command (kept apart from main.ts so tests can import main).
import { main } from "./main.js";

// A reader that stops early (`eeh-emu report x -o - | head`) closes the pipe: that is the
// reader's choice, not an error of ours, so end quietly as other Unix tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
}

process.exitCode = await main(process.argv.slice(2));
