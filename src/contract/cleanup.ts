// Clean-up by baseline. Before the checks, record the members of every fixture image (after
// removing the suite's own projects, which the flows must be able to add); after them, wait for the
// jobs the run started and remove every member that is not in that record. What to list and what
// to remove comes from the spec model: the collection GET and the item DELETE of the one resource
// the spec lets a client remove.
import type { SpecOperation } from "../spec/model.ts";
import type { Contract } from "./contract.ts";
import { jsonBody, type Session } from "./session.ts";

export interface Pair {
  image: string;
  project: string;
}

/** A server state the suite cannot work with (not a contract failure). */
export class PreconditionError extends Error {
  override name = "PreconditionError";
}

/** The asynchronous jobs the run may start: the operation that reports one, and its final statuses. */
const jobQuery = { operation: "showJob", finished: ["SUCCESS", "FAIL"] };

interface MemberResource {
  list: SpecOperation;
  remove: SpecOperation;
  /** The path parameter naming the image, and the one naming the member (also the rows' id field). */
  parent: string;
  key: string;
}

/** The removable resource: the DELETE on `{parent path}/{key}` and the GET on `{parent path}`. */
function memberResource(contract: Contract): MemberResource {
  for (const remove of contract.operations.filter((o) => o.method === "DELETE")) {
    const match = /^(.*)\/\{([^}]+)\}$/.exec(remove.path);
    const list = match && contract.operations.find((o) => o.method === "GET" && o.path === match[1]);
    const parent = list?.pathParams.at(-1)?.name;
    if (match && list && parent) return { list, remove, parent, key: match[2] as string };
  }
  throw new Error("the spec declares no removable member resource");
}

/** The fixture images that hold members, or should not but might on a faulty server (the public one). */
function fixtureImages(s: Session): string[] {
  const { shareableImages, privateImages, publicImage } = s.config.fixtures;
  return [...shareableImages, ...privateImages, ...(publicImage ? [publicImage] : [])];
}

async function listMembers(s: Session, resource: MemberResource, image: string, purpose: string) {
  const listed = await s.call(resource.list.id, { actor: "owner", params: { [resource.parent]: image }, purpose });
  const body = jsonBody(listed) as Record<string, unknown> | undefined;
  const rows = Object.values(body ?? {}).find(Array.isArray) as Record<string, unknown>[] | undefined;
  return { listed, members: rows?.map((r) => String(r[resource.key])) };
}

/**
 * Removes memberships of the suite's projects that an earlier run left on the fixture images, and
 * returns the members each image has then: the baseline.
 */
export async function preflight(s: Session): Promise<Map<string, Set<string>>> {
  const resource = memberResource(s.contract);
  const projects = new Set([s.projectOf("member"), ...s.config.fixtures.otherProjects]);
  const baseline = new Map<string, Set<string>>();
  for (const image of fixtureImages(s)) {
    const { listed, members } = await listMembers(s, resource, image, "preflight: members left from earlier runs");
    if (!listed.response) throw new PreconditionError(`${s.config.baseUrl} does not answer: ${listed.error}`);
    if (!members) continue;
    // With destructive steps off nothing is added, so what is there can stay.
    const leftovers = s.config.destructive ? members.filter((m) => projects.has(m)) : [];
    for (const project of leftovers) {
      await s.call(resource.remove.id, {
        actor: "owner",
        params: { [resource.parent]: image, [resource.key]: project },
        purpose: "preflight: remove a member left from an earlier run",
      });
    }
    baseline.set(image, new Set(members.filter((m) => !leftovers.includes(m))));
  }
  return baseline;
}

/**
 * Waits for jobs the run started, then (when destructive steps are on) removes every member of a
 * fixture image that is not in the baseline. Returns the memberships still in place that the
 * baseline does not have.
 */
export async function cleanup(s: Session, baseline: Map<string, Set<string>>): Promise<Pair[]> {
  await waitForJobs(s);
  const resource = memberResource(s.contract);
  const left: Pair[] = [];
  for (const [image, before] of baseline) {
    const { members } = await listMembers(s, resource, image, "cleanup: look for members the run added");
    for (const project of (members ?? []).filter((m) => !before.has(m))) {
      if (s.config.destructive) {
        const removed = await s.call(resource.remove.id, {
          actor: "owner",
          params: { [resource.parent]: image, [resource.key]: project },
          purpose: "cleanup: remove a member the run added",
        });
        const status = removed.response?.status ?? 0;
        if (status === 404 || (status >= 200 && status < 300)) continue;
      }
      left.push({ image, project });
    }
  }
  return left;
}

/** Polls every job a call of the run started (found through the spec's links) until it has finished. */
async function waitForJobs(s: Session): Promise<void> {
  if (!s.contract.has(jobQuery.operation)) return;
  const query = s.contract.op(jobQuery.operation);
  const starters = new Set(
    s.contract.operations
      .filter((o) => s.contract.link(o, query.id) !== undefined && o.method !== "GET")
      .map((o) => o.id),
  );
  const finished = (e: (typeof s.exchanges)[number]) =>
    jobQuery.finished.includes(String((jsonBody(e) as { status?: unknown } | undefined)?.status));
  const jobs = new Map<string, Record<string, string>>();
  for (const e of s.exchanges) {
    const body = jsonBody(e) as Record<string, unknown> | undefined;
    if (starters.has(e.operation) && e.response && e.response.status < 300 && typeof body?.job_id === "string")
      jobs.set(body.job_id, { project_id: s.projectOf("owner"), job_id: body.job_id });
    if (e.operation === query.id && e.params.job_id && finished(e)) jobs.delete(e.params.job_id);
  }
  const deadline = Date.now() + s.config.timeouts.jobMs;
  for (const params of jobs.values()) {
    while (Date.now() < deadline) {
      const polled = await s.call(query.id, {
        actor: "owner",
        params,
        purpose: "cleanup: wait for a job the run started",
      });
      if (polled.response?.status !== 200 || finished(polled)) break;
      await new Promise((resolve) => setTimeout(resolve, s.config.timeouts.jobPollMs));
    }
  }
}
