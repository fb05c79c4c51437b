// Every scenario the bench knows, in run and table order: the core ones (scenarios.mjs, metrics.mjs) and the
// ones kept in files of their own. To add one, write a module that default-exports
//   { name, run(ctx), metrics(cfg) → [metric(...)], config?(env) → {settings}, programs?(cfg) → {file: body},
//     deadlineMs?(cfg), title? }
// (see relay.mjs) and add it to MODULES below: one import and one line each.
import { SCENARIOS as CORE_SCENARIOS, metricDefinitions as coreMetrics } from './metrics.mjs';
import { RUNNERS as CORE_RUNNERS, scenarioDeadlineMs as coreDeadlineMs } from './scenarios.mjs';
import relay from './relay.mjs';
import compress from './compress.mjs';
import spawnload from './spawnload.mjs';

const MODULES = [
  relay,
  compress,
  spawnload,
];

export const SCENARIOS = [...CORE_SCENARIOS, ...MODULES.map((s) => s.name)];

export const RUNNERS = { ...CORE_RUNNERS, ...Object.fromEntries(MODULES.map((s) => [s.name, s.run])) };

/** Every metric in table order for the configuration given. */
export function metricDefinitions(cfg) {
  return [...coreMetrics(cfg), ...MODULES.flatMap((s) => s.metrics(cfg))];
}

/** The settings of the modules' scenarios; env = { int(name, full, quick), list(name, full, quick), quick }. */
export function moduleConfig(env) {
  return Object.assign({}, ...MODULES.map((s) => (s.config ? s.config(env) : {})));
}

/** The programs the modules serve, { key: shell script body }, written beside hello.sh, seq.sh and cat.sh. */
export function modulePrograms(cfg) {
  return Object.assign({}, ...MODULES.map((s) => (s.programs ? s.programs(cfg) : {})));
}

/** A heading for the table section of a scenario, when its columns hold something else than the servers' names. */
export function scenarioTitles() {
  return Object.fromEntries(MODULES.filter((s) => s.title).map((s) => [s.name, s.title]));
}

/** Rough upper bound of one scenario run, for its deadline. */
export function scenarioDeadlineMs(name, cfg) {
  const mod = MODULES.find((s) => s.name === name);
  return mod ? (mod.deadlineMs ? mod.deadlineMs(cfg) : 180000) : coreDeadlineMs(name, cfg);
}
