// Known-deviation baselines: a list of (operation, check, rule) a server is known to break. A run
// measured against one passes when exactly those fail; anything else is new, anything missing fixed.
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import type { Finding } from "./findings.ts";

export interface Deviation {
  operation: string;
  check: string;
  rule: string;
  reason?: string;
}

export interface DeviationReport {
  expected: number;
  /** Failing now, not in the list. */
  new: Deviation[];
  /** In the list, not failing now. */
  fixed: Deviation[];
}

/** Reads a YAML or JSON list of deviations; the config loader validates its shape. */
export function readDeviationFile(path: string): unknown {
  const text = readFileSync(path, "utf8");
  return /\.json$/i.test(path) ? JSON.parse(text) : parseYaml(text);
}

const key = (d: Deviation) => `${d.operation} ${d.check} ${d.rule}`;

export function compareDeviations(expected: Deviation[], failures: Finding[]): DeviationReport {
  const seen = new Map<string, Deviation>();
  for (const f of failures) seen.set(key(f), { operation: f.operation, check: f.check, rule: f.rule });
  const listed = new Set(expected.map(key));
  return {
    expected: expected.length,
    new: [...seen.values()].filter((d) => !listed.has(key(d))),
    fixed: expected.filter((d) => !seen.has(key(d))),
  };
}
