// Clean-up by baseline. Before the checks, record the members of every fixture image (after
// removing the suite's own projects, which the flows must be able to add); after them, wait for the
// jobs the run started and remove every member that is not in that record: in batch where the
// profile has the batch removal, then one by one whatever is left. What to list and what
// to remove comes from the spec model: the collection GET and the item DELETE of the one resource
// the spec lets a client remove.
import type { SpecOperation } from "../spec/model.ts";
import { pollJob, startedJobs } from "./checks/shared.ts";
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

/** Longest member id the clean-up puts into a URL: twice the longest id path_robustness sends. */
const addressableIdLength = 8_192;

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
    let { members } = await listMembers(s, resource, image, "cleanup: look for members the run added");
    const added = (members ?? []).filter((m) => !before.has(m));
    if (s.config.destructive && (await removeInBatch(s, image, added)))
      ({ members } = await listMembers(s, resource, image, "cleanup: look for members the batch removal left"));
    // One at a time: what the batch removal could not take (or all of it, without one).
    for (const project of (members ?? []).filter((m) => !before.has(m))) {
      // A member id too long for any URL (a lax server stored an oversized body) cannot be
      // removed: the request would be refused or cut off. It stays, reported as left behind.
      if (s.config.destructive && project.length <= addressableIdLength) {
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

/** The batch removal takes at most this many projects per request (its schema's `maxItems`). */
const batchRemovalChunk = 100;

/**
 * Removes `projects` from `image` with the batch removal, when the profile has one, in requests of
 * up to 100 projects that the request schema accepts (ids a lax server stored, such as Glance's
 * `"1"`, are left to the one-by-one removal), and waits for each job. Returns whether it sent any.
 */
async function removeInBatch(s: Session, image: string, projects: string[]): Promise<boolean> {
  if (!s.contract.has("batchRemoveImageMembers") || projects.length === 0) return false;
  const op = s.contract.op("batchRemoveImageMembers");
  const schema = op.body?.schema;
  if (!schema) return false;
  const valid = projects.filter((p) => s.contract.errors(schema, { images: [image], projects: [p] }).length === 0);
  for (let i = 0; i < valid.length; i += batchRemovalChunk) {
    const started = await s.call(op.id, {
      actor: "owner",
      params: {},
      body: { images: [image], projects: valid.slice(i, i + batchRemovalChunk) },
      purpose: "cleanup: remove the members the run added, in batch",
    });
    await pollJob(s, started, "cleanup: wait for the batch removal");
  }
  return valid.length > 0;
}

/**
 * Polls every job a call of the run started (batch share, answer or removal: the operations that
 * link to the job query) until it has finished, as the caller that started it, under its project.
 */
async function waitForJobs(s: Session): Promise<void> {
  if (!s.contract.has(jobQuery.operation)) return;
  const finished = (e: (typeof s.exchanges)[number]) =>
    jobQuery.finished.includes(String((jsonBody(e) as { status?: unknown } | undefined)?.status));
  const done = new Set(
    s.exchanges.filter((e) => e.operation === jobQuery.operation && finished(e)).map((e) => e.params.job_id),
  );
  const deadline = Date.now() + s.config.timeouts.jobMs;
  for (const { jobId, actor } of startedJobs(s)) {
    if (done.has(jobId)) continue;
    while (Date.now() < deadline) {
      const polled = await s.call(jobQuery.operation, {
        actor,
        params: { project_id: s.projectOf(actor), job_id: jobId },
        purpose: "cleanup: wait for a job the run started",
      });
      if (polled.response?.status !== 200 || finished(polled)) break;
      await new Promise((resolve) => setTimeout(resolve, s.config.timeouts.jobPollMs));
    }
  }
}
