// Process entry of the `eeh-emu` command (kept apart from main.ts so tests can import main).
import { main } from "./main.js";

process.exitCode = await main(process.argv.slice(2));
