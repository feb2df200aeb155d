// Scenarios: a file describing a machine, its drivers and guests, and a timeline of faults
// and operations → a run on the virtual clock → a timeline (text, JSON, files, HTML report).
export { scenarioSchema, type Scenario, type ScenarioAction, type ScenarioExpectation, type TopologyNode } from "./schema.js";
export { loadScenario, validateScenario, parseScenarioText, ScenarioError, jsonPath } from "./load.js";
export { runScenario, type RunOptions, type RunResult } from "./run.js";
export { formatTimeline, type FormatOptions } from "./format.js";
export { runArtifacts, type Artifact } from "./artifacts.js";
export { decodePlatformLog } from "./platform-logs.js";
export * from "./timeline.js";
