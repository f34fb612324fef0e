// `ims-sharing/contract`: the contract suite as a library. Load or build a config, run every selected
// check against a live server, and render the result the way the `ims-contract` bin does.
export { type CheckName, checkNames } from "./checks/registry.ts";
export {
  type Actor,
  ConfigError,
  type ConfigOverrides,
  type ContractConfig,
  loadConfigFile,
  parseConfig,
} from "./config.ts";
export type { Profile } from "./contract.ts";
export type { Deviation, DeviationReport } from "./deviations.ts";
export type { Finding } from "./findings.ts";
export { jsonReport, junitReport, renderReport } from "./report.ts";
export {
  type CellResult,
  type CellStatus,
  type CheckSummary,
  PreconditionError,
  type RunListener,
  type RunResult,
  runContract,
} from "./run.ts";
