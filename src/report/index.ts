// The HTML timeline report of a scenario run (docs/report.md).
export { renderReport, tableOrder, type ReportOptions } from "./render.js";
export { renderChart, type Chart, type ChartOptions } from "./chart.js";
export { buildTimeAxis, type TimeAxis, type TimeAxisOptions, type AxisTick, type AxisGap } from "./time-axis.js";
export { STATE_STYLES, EVENT_KIND_STYLES, type StateStyle } from "./palette.js";
export { timelineFromJson, parseTimelineText, TimelineError } from "./validate.js";
