// Reads vitest's JSON report and prints the closing line CI looks for.
// Usage: node .ci/summary.mjs <vitest.json> <exit code of npm test>
import { existsSync, readFileSync } from "node:fs";

const [file, rcText] = process.argv.slice(2);
const rc = Number(rcText ?? "1");
if (!file || !existsSync(file)) {
  // The type check (or vitest itself) failed before any test ran.
  console.log("no test report: the type check or the test runner failed before the tests");
  console.log("0 passed, 1 failed");
  process.exit(1);
}
const r = JSON.parse(readFileSync(file, "utf8"));
const passed = r.numPassedTests ?? 0;
// Count test files that failed without a failing test (a syntax error, a failing hook) as
// one failure each; numFailedTestSuites would also count every describe block of a file.
const brokenFiles = (r.testResults ?? []).filter((t) => t.status === "failed" && !(t.assertionResults ?? []).some((a) => a.status === "failed")).length;
const failed = (r.numFailedTests ?? 0) + brokenFiles;
const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
const total = passed + Math.max(failed, 0);
if (total === 0) {
  console.log("no tests ran");
  console.log("0 passed, 1 failed");
  process.exit(1);
}
console.log(`${passed} passed, ${Math.max(failed, 0)} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(rc !== 0 || failed > 0 ? 1 : 0);
