#!/usr/bin/env node
// Installed entry point: runs the compiled CLI from dist/ (built by `npm run build`).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const compiled = new URL("../dist/cli/bin.js", import.meta.url);
if (!existsSync(fileURLToPath(compiled))) {
  process.stderr.write("eeh-emu: dist/ is missing; run `npm run build` first (or `npx tsx src/cli/bin.ts`)\n");
  process.exit(2);
}
await import(compiled.href);
