// Runs the selected checks against one server, in the registry's order: the preflight records the
// baseline, each active check sends its requests and returns its findings, a clean-up after each
// brings the fixture images back to the baseline, and the response checks then judge every
// exchange of the run. The runner alone turns findings into operation x check cells.
import { activeChecks, type CheckName, checkNames, responseCheckList } from "./checks/registry.ts";
import { cleanup, type Pair, PreconditionError, preflight } from "./cleanup.ts";
import type { ContractConfig } from "./config.ts";
import { Contract } from "./contract.ts";
import { compareDeviations, type DeviationReport } from "./deviations.ts";
import type { Finding } from "./findings.ts";
import { Session } from "./session.ts";

export { PreconditionError };

export type CellStatus = "passed" | "failed" | "inconclusive" | "skipped" | "not-run";

export interface CellResult {
  operation: string;
  check: CheckName;
  status: CellStatus;
  assertions: number;
  failures: Finding[];
  /** Why the cell was skipped or could not be judged. */
  notes: string[];
}

export interface CheckSummary {
  check: CheckName;
  status: CellStatus;
  assertions: number;
  failed: number;
}

export interface RunResult {
  baseUrl: string;
  profile: ContractConfig["profile"];
  startedAt: string;
  durationMs: number;
  operations: string[];
  checks: CheckName[];
  cells: CellResult[];
  requests: number;
  /** Memberships the run added and did not remove (destructive steps off, or removal failed). */
  leftovers: Pair[];
  notes: string[];
  /** Set when the config lists expected deviations: which failures are new, which listed ones are fixed. */
  deviations?: DeviationReport;
  passed: boolean;
}

export interface RunListener {
  /** Called once a check has finished, with its running totals. */
  checkDone?(summary: CheckSummary): void;
}

export async function runContract(
  config: ContractConfig,
  listener: RunListener = {},
  contract = Contract.load(config.profile),
): Promise<RunResult> {
  const started = Date.now();
  const s = new Session(config, contract);
  const selected = (name: CheckName) => config.checks.includes(name);
  const findings: Finding[] = [];
  let leftovers: Pair[] = [];
  try {
    const baseline = await preflight(s);
    for (const check of activeChecks) {
      const name = check.name as CheckName;
      // A walking check also runs, unjudged, to give the selected response checks something to judge.
      const walkOnly = check.walk === true && responseCheckList.some((c) => selected(c.name as CheckName));
      if (!selected(name) && !walkOnly) continue;
      const found = await check.run(s);
      leftovers = await cleanup(s, baseline);
      if (selected(name)) {
        findings.push(...found);
        listener.checkDone?.(summarise(findings, name));
      }
    }
    for (const check of responseCheckList) {
      const name = check.name as CheckName;
      if (!selected(name)) continue;
      for (const exchange of s.exchanges) findings.push(...check.run(exchange, contract));
      listener.checkDone?.(summarise(findings, name));
    }
  } finally {
    s.close();
  }
  const cells = buildCells(contract, config.checks, findings);
  const judged = cells.every((c) => c.status !== "inconclusive");
  const deviations = config.expectedDeviations
    ? compareDeviations(
        config.expectedDeviations,
        cells.flatMap((c) => c.failures),
      )
    : undefined;
  return {
    baseUrl: config.baseUrl,
    profile: config.profile,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    operations: contract.operations.map((o) => o.id),
    checks: config.checks,
    cells,
    requests: s.exchanges.length,
    leftovers,
    notes: findings.filter((f) => f.outcome === "note").map((f) => f.reason),
    ...(deviations ? { deviations } : {}),
    passed:
      judged &&
      (deviations
        ? deviations.new.length === 0 && deviations.fixed.length === 0
        : cells.every((c) => c.status !== "failed")),
  };
}

function cellStatus(findings: Finding[]): CellStatus {
  const has = (outcome: Finding["outcome"]) => findings.some((f) => f.outcome === outcome);
  if (has("fail")) return "failed";
  if (has("inconclusive")) return "inconclusive";
  if (has("pass")) return "passed";
  return has("skip") ? "skipped" : "not-run";
}

function summarise(findings: Finding[], check: CheckName): CheckSummary {
  const mine = findings.filter((f) => f.check === check);
  return {
    check,
    assertions: mine.filter((f) => f.outcome === "pass" || f.outcome === "fail").length,
    failed: mine.filter((f) => f.outcome === "fail").length,
    status: cellStatus(mine),
  };
}

function buildCells(contract: Contract, selected: CheckName[], findings: Finding[]): CellResult[] {
  const cells: CellResult[] = [];
  for (const op of contract.operations) {
    for (const check of checkNames) {
      if (!selected.includes(check)) continue;
      const mine = findings.filter((f) => f.check === check && f.operation === op.id);
      cells.push({
        operation: op.id,
        check,
        status: cellStatus(mine),
        assertions: mine.filter((f) => f.outcome === "pass" || f.outcome === "fail").length,
        failures: mine.filter((f) => f.outcome === "fail"),
        notes: mine.filter((f) => f.outcome === "skip" || f.outcome === "inconclusive").map((f) => f.reason),
      });
    }
  }
  return cells;
}
