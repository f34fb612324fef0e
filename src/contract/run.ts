// Runs the selected checks against one server, in an order that keeps them independent: leftovers
// of earlier runs are removed first, each phase cleans up what it added, and the response checks
// judge every exchange of every phase.
import { authentication } from "./checks/authentication.ts";
import { authorisation } from "./checks/authorisation.ts";
import { flows } from "./checks/flows.ts";
import { negativeDataRejection } from "./checks/negative.ts";
import { memberRows } from "./checks/shared.ts";
import { type CheckName, checkNames, responseChecks } from "./checks.ts";
import type { ContractConfig } from "./config.ts";
import { Contract } from "./contract.ts";
import { type Finding, type Pair, pairKey, Session } from "./session.ts";

export type CellStatus = "passed" | "failed" | "skipped" | "not-run";

export interface CellResult {
  operation: string;
  check: CheckName;
  status: CellStatus;
  assertions: number;
  failures: Finding[];
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
  passed: boolean;
}

export interface RunListener {
  /** Called once a check has finished, with its running totals. */
  checkDone?(summary: CheckSummary): void;
}

/** A server state the suite cannot work with (not a contract failure). */
export class PreconditionError extends Error {
  override name = "PreconditionError";
}

const phases: { check: CheckName; run: (s: Session) => Promise<void> }[] = [
  { check: "authentication", run: authentication },
  { check: "stateful_flows", run: flows },
  { check: "negative_data_rejection", run: negativeDataRejection },
  { check: "authorisation", run: authorisation },
];

export async function runContract(
  config: ContractConfig,
  listener: RunListener = {},
  contract = Contract.load(config.profile),
): Promise<RunResult> {
  const started = Date.now();
  const s = new Session(config, contract);
  let leftovers: Pair[] = [];
  try {
    await preflight(s);
    for (const phase of phases) {
      // The flows are also the walk that gives the response checks something to judge.
      const walkOnly = phase.check === "stateful_flows" && responseChecks.some((c) => s.selected(c));
      if (!s.selected(phase.check) && !walkOnly) continue;
      await phase.run(s);
      leftovers = await cleanup(s);
      if (s.selected(phase.check)) listener.checkDone?.(summarise(s, phase.check));
    }
    for (const check of responseChecks) if (s.selected(check)) listener.checkDone?.(summarise(s, check));
  } finally {
    s.close();
  }
  const cells = buildCells(s);
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
    notes: s.notes,
    passed: cells.every((c) => c.status !== "failed"),
  };
}

/**
 * Removes memberships of the suite's projects that an earlier run left on the fixture images, and
 * notes which members each image has, so that cleanup can tell what this run added.
 */
async function preflight(s: Session): Promise<void> {
  const projects = new Set([s.projectOf("member"), ...s.config.fixtures.otherProjects]);
  for (const image of s.config.fixtures.shareableImages) {
    const listed = await s.call("listImageMembers", {
      actor: "owner",
      params: { image_id: image },
      purpose: "preflight: members left from earlier runs",
    });
    if (!listed.response) throw new PreconditionError(`${s.config.baseUrl} does not answer: ${listed.error}`);
    const rows = memberRows(s, listed);
    if (!rows) continue;
    const members = rows.map((r) => String(r.member_id));
    const leftovers = members.filter((m) => projects.has(m));
    if (leftovers.length > 0 && !s.config.destructive) {
      throw new PreconditionError(
        `image ${image} already has ${leftovers.join(", ")} as members and destructive steps are off; remove them or use other fixture projects`,
      );
    }
    for (const project of leftovers) {
      await s.call("removeImageMember", {
        actor: "owner",
        params: { image_id: image, member_id: project },
        purpose: "preflight: remove a member left from an earlier run",
      });
    }
    s.baseline.set(image, new Set(members.filter((m) => !projects.has(m))));
  }
}

/**
 * Waits for jobs the run started, then (when allowed) removes every membership it added: those it
 * tracked, and any member that appeared on a fixture image since the preflight (a lax server may
 * store a member under another id than the one sent, e.g. Glance turns `true` into "1").
 * Returns the memberships still in place.
 */
async function cleanup(s: Session): Promise<Pair[]> {
  if (s.unfinishedJobs.size > 0 && s.contract.has("showJob")) {
    const deadline = Date.now() + s.config.timeouts.jobMs;
    for (const job of [...s.unfinishedJobs]) {
      while (Date.now() < deadline) {
        const polled = await s.call("showJob", {
          actor: "owner",
          params: { project_id: s.projectOf("owner"), job_id: job },
          purpose: "cleanup: wait for a job the run started",
        });
        const status = (s.json(polled) as { status?: unknown } | undefined)?.status;
        if (polled.response?.status !== 200 || status === "SUCCESS" || status === "FAIL") break;
        await new Promise((resolve) => setTimeout(resolve, s.config.timeouts.jobPollMs));
      }
      s.unfinishedJobs.delete(job);
    }
  }
  const remove = async (pair: Pair, purpose: string) => {
    const removed = await s.call("removeImageMember", {
      actor: "owner",
      params: { image_id: pair.image, member_id: pair.project },
      purpose,
    });
    const status = removed.response?.status ?? 0;
    if (status === 404 || (status >= 200 && status < 300)) s.added.delete(pairKey(pair));
  };
  if (s.config.destructive)
    for (const pair of [...s.added.values()]) await remove(pair, "cleanup: remove a member the run added");

  for (const [image, before] of s.baseline) {
    const listed = await s.call("listImageMembers", {
      actor: "owner",
      params: { image_id: image },
      purpose: "cleanup: look for members the run added",
    });
    for (const project of (memberRows(s, listed) ?? []).map((r) => String(r.member_id)).filter((m) => !before.has(m))) {
      s.track({ image, project });
      if (s.config.destructive)
        await remove({ image, project }, "cleanup: remove a member that appeared during the run");
    }
  }
  return [...s.added.values()];
}

function summarise(s: Session, check: CheckName): CheckSummary {
  const findings = s.findings.filter((f) => f.check === check);
  const failed = findings.filter((f) => !f.ok).length;
  const skipped = s.skips.some((k) => k.check === check);
  return {
    check,
    assertions: findings.length,
    failed,
    status: failed > 0 ? "failed" : findings.length > 0 ? "passed" : skipped ? "skipped" : "not-run",
  };
}

function buildCells(s: Session): CellResult[] {
  const cells: CellResult[] = [];
  for (const op of s.contract.operations) {
    for (const check of checkNames) {
      if (!s.selected(check)) continue;
      const findings = s.findings.filter((f) => f.check === check && f.operation === op.id);
      const failures = findings.filter((f) => !f.ok);
      const notes = s.skips.filter((k) => k.check === check && k.operation === op.id).map((k) => k.reason);
      const status: CellStatus =
        failures.length > 0 ? "failed" : findings.length > 0 ? "passed" : notes.length > 0 ? "skipped" : "not-run";
      cells.push({ operation: op.id, check, status, assertions: findings.length, failures, notes });
    }
  }
  return cells;
}
