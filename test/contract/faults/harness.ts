// Runs the contract suite against the sandbox behind a fault proxy (or a transparent one).

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import type { CheckName } from "../../../src/contract/checks/registry.ts";
import { loadConfigFile } from "../../../src/contract/config.ts";
import { Contract } from "../../../src/contract/contract.ts";
import type { Deviation } from "../../../src/contract/deviations.ts";
import { type RunResult, runContract } from "../../../src/contract/run.ts";
import { startSandbox } from "../../../src/sandbox/server.ts";
import { type Fault, faultMemberLimit, sandboxConfigPath } from "./catalogue.ts";
import { type FaultHooks, startFaultProxy } from "./proxy.ts";

const contract = Contract.load("ims");

/** Short timeouts: the sandbox answers in milliseconds and its jobs finish at once. */
export const faultRunTimeouts = { requestMs: 2000, jobMs: 1500, jobPollMs: 25 };

/** Runs the suite behind a proxy with `hooks`: every check of the example config, or only `checks`. */
export async function runBehind(hooks: FaultHooks | Fault, checks?: CheckName[]): Promise<RunResult> {
  const sandbox = await startSandbox({ port: 0, quiet: true, memberLimit: faultMemberLimit });
  const proxy = await startFaultProxy(sandbox.url, hooks);
  try {
    const config = loadConfigFile(sandboxConfigPath, checks ? { baseUrl: proxy.url, checks } : { baseUrl: proxy.url });
    return await runContract(
      { ...config, timeouts: faultRunTimeouts, limits: { ...config.limits, members: faultMemberLimit } },
      {},
      contract,
    );
  } finally {
    await proxy.close();
    await sandbox.close();
  }
}

/**
 * The sandbox's own known deviations (see sandbox-deviations.yaml): failures with these rules say
 * nothing about a fault in front of it.
 */
export const sandboxDeviations = (parseYaml(
  readFileSync(resolve(import.meta.dirname, "..", "sandbox-deviations.yaml"), "utf8"),
) ?? []) as Deviation[];

/** The operation x check cells a run failed for a reason other than the sandbox's known deviations. */
export function failedCells(result: RunResult): string[] {
  const known = new Set(sandboxDeviations.map((d) => `${d.operation} ${d.check} ${d.rule}`));
  return result.cells
    .filter((c) => c.failures.some((f) => !known.has(`${f.operation} ${f.check} ${f.rule}`)))
    .map((c) => `${c.operation} › ${c.check}`);
}
