// Turns a contract run into the list of deviations it found, one entry per operation, check and
// rule, so that a run can be compared with a committed list of accepted ones. Until the suite
// names its rules, the rule is the failure reason's headline with the values that change from run
// to run (ids, generated member ids, the list of declared statuses) taken out.
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import type { RunResult } from "../../src/contract/run.ts";

export interface Deviation {
  operation: string;
  check: string;
  rule: string;
}

export function ruleOf(reason: string): string {
  const [first = "", second = ""] = reason.split("\n");
  // "body breaks X:" names only the schema; the first broken keyword below it is the rule.
  const headline = first.endsWith(":") && second ? `${first} ${second}` : first;
  return headline
    .replace(/\s*\("[^")]*"?\)/g, "") // a generated value, e.g. ("7581A987...")
    .replace(/\s*\((\d{3}(, )?)+\)/g, "") // the declared statuses, e.g. (400, 401, 404)
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, "<uuid>")
    .replace(/\b[0-9a-f]{32}\b/gi, "<project>")
    .replace(/\/\d+\//g, "/*/")
    .trim();
}

function key(d: Deviation): string {
  return `${d.operation} › ${d.check} › ${d.rule}`;
}

/** Every distinct (operation, check, rule) among the run's failures, sorted. */
export function deviationsOf(result: RunResult): Deviation[] {
  const found = new Map<string, Deviation>();
  for (const cell of result.cells)
    for (const failure of cell.failures) {
      const deviation = { operation: cell.operation, check: cell.check, rule: ruleOf(failure.reason) };
      found.set(key(deviation), deviation);
    }
  return sortDeviations([...found.values()]);
}

export function sortDeviations(list: Deviation[]): Deviation[] {
  return [...list].sort((a, b) => key(a).localeCompare(key(b)));
}

/** The `deviations` list of an expected-deviations YAML file. */
export function loadDeviations(path: string): Deviation[] {
  const doc = parseYaml(readFileSync(path, "utf8")) as { deviations?: Deviation[] };
  return sortDeviations((doc.deviations ?? []).map(({ operation, check, rule }) => ({ operation, check, rule })));
}
