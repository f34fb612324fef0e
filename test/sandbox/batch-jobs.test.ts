// Batch sharing and its job worker, without HTTP: what is refused up front, how pairs are shared,
// and how an interrupted job is resumed.
import { afterEach, describe, expect, it } from "vitest";
import { AccessRules } from "../../src/sandbox/access.ts";
import { BatchSharing } from "../../src/sandbox/batch.ts";
import { openDatabase, Store } from "../../src/sandbox/db.ts";
import { ApiError } from "../../src/sandbox/errors.ts";
import { type JobPacing, JobRunner } from "../../src/sandbox/jobs.ts";
import { MemberRules } from "../../src/sandbox/members.ts";
import { Catalog, defaultSeedPath, loadSeedFile } from "../../src/sandbox/seed.ts";
import type { Job } from "../../src/sandbox/types.ts";
import { image, project, unknownProject } from "./helpers.ts";

const catalog = new Catalog(loadSeedFile(defaultSeedPath));
const clock = () => new Date();
const runners: JobRunner[] = [];

afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.stop()));
});

function setup(options: { memberLimit?: number; pacing?: JobPacing; maxQueuedJobs?: number; store?: Store } = {}) {
  const store = options.store ?? new Store(openDatabase(":memory:"));
  const access = new AccessRules(store, catalog, options.memberLimit ?? 256);
  const runner = new JobRunner(store, access, clock, options.pacing ?? { chunkSize: 500, delayMs: 0 });
  runners.push(runner);
  return {
    store,
    runner,
    members: new MemberRules(store, access, clock),
    batch: new BatchSharing(store, access, runner, clock, options.maxQueuedJobs ?? 50),
  };
}

async function finished(batch: BatchSharing, jobId: string, owner: string = project.owner): Promise<Job> {
  for (;;) {
    const job = batch.show(owner, owner, jobId);
    if (job.status === "SUCCESS" || job.status === "FAIL") return job;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

function refusal(fn: () => unknown): { status: number; code: string | undefined; message: string } {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return { status: error.status, code: error.imsCode, message: error.message };
    throw error;
  }
  throw new Error("expected a refusal, got success");
}

describe("checking a batch request before anything is shared", () => {
  const cases: [string, string, string[], string[], string][] = [
    [
      "an image that does not exist",
      project.owner,
      ["00000000-0000-4000-8000-000000000000"],
      [project.member],
      "IMG.0027",
    ],
    ["another project's image the caller cannot see", project.owner, [image.strangers], [project.member], "IMG.0027"],
    ["a public image", project.owner, [image.shared, image.public], [project.member], "IMG.0089"],
    [
      "the caller's own project among the projects",
      project.owner,
      [image.shared],
      [project.member, project.owner],
      "IMG.0076",
    ],
    [
      "the same image twice, spelled in two cases",
      project.owner,
      [image.shared, image.shared.toUpperCase()],
      [project.member],
      "IMG.0001",
    ],
  ];
  it.each(cases)("refuses %s with 400 and its IMS code", (_name, caller, images, projects, code) => {
    const { batch, store } = setup();
    expect(refusal(() => batch.submit(caller, { images, projects }))).toMatchObject({ status: 400, code });
    expect(store.unfinishedJobs()).toEqual([]);
    expect(store.memberCount(image.shared)).toBe(0);
  });

  it("refuses an image the caller can see as a member but does not own (IMG.0047)", () => {
    const { batch, members } = setup();
    members.add(project.owner, image.shared, project.member);
    expect(
      refusal(() => batch.submit(project.member, { images: [image.shared], projects: [project.member2] })),
    ).toMatchObject({ status: 400, code: "IMG.0047" });
  });

  it("answers 503 (IMG.0060) once a project has too many unfinished jobs", async () => {
    const { batch } = setup({ maxQueuedJobs: 1, pacing: { chunkSize: 1, delayMs: 1000 } });
    batch.submit(project.owner, { images: [image.shared], projects: [project.member] });
    expect(
      refusal(() => batch.submit(project.owner, { images: [image.sharedTwo], projects: [project.member] })),
    ).toMatchObject({ status: 503, code: "IMG.0060" });
  });
});

describe("running a batch job", () => {
  it("shares every image with every project, image by image, as pending members", async () => {
    const { batch, members } = setup();
    const { job_id } = batch.submit(project.owner, {
      images: [image.privateOne, image.shared],
      projects: [project.member2, project.member],
    });
    expect(job_id).toMatch(/^[0-9a-f]{32}$/);
    const job = await finished(batch, job_id);
    expect(job).toMatchObject({
      job_id,
      job_type: "imsAddImageMembersJob",
      status: "SUCCESS",
      error_code: null,
      fail_reason: null,
      entities: { process_percent: 100 },
    });
    expect(job.entities.results).toEqual([
      { image_id: image.privateOne, project_id: project.member2, status: "success" },
      { image_id: image.privateOne, project_id: project.member, status: "success" },
      { image_id: image.shared, project_id: project.member2, status: "success" },
      { image_id: image.shared, project_id: project.member, status: "success" },
    ]);
    expect(job.begin_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(job.end_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.parse(job.end_time as string)).toBeGreaterThanOrEqual(Date.parse(job.begin_time));
    expect(members.list(project.owner, image.shared).members.map((m) => [m.member_id, m.status])).toEqual([
      [project.member2, "pending"],
      [project.member, "pending"],
    ]);
  });

  it("counts a project that is already a member as a success and leaves its status alone", async () => {
    const { batch, members } = setup();
    members.add(project.owner, image.shared, project.member);
    members.update(project.member, image.shared, project.member, "accepted");
    const job = await finished(
      batch,
      batch.submit(project.owner, { images: [image.shared], projects: [project.member] }).job_id,
    );
    expect(job.status).toBe("SUCCESS");
    expect(members.show(project.member, image.shared, project.member).status).toBe("accepted");
  });

  it("fails only the pairs over the member limit (IMG.0088) and marks the job FAIL", async () => {
    const { batch, members } = setup({ memberLimit: 2 });
    members.add(project.owner, image.shared, project.member);
    const projects = [project.member2, unknownProject(1), unknownProject(2)];
    const job = await finished(
      batch,
      batch.submit(project.owner, { images: [image.shared, image.sharedTwo], projects }).job_id,
    );
    expect(job.status).toBe("FAIL");
    expect(job.error_code).toBe("IMG.0088");
    expect(job.fail_reason).toBe("3 of 6 pairs failed.");
    expect(job.entities.results.map((r) => r.status)).toEqual([
      "success",
      "failed",
      "failed",
      "success",
      "success",
      "failed",
    ]);
    expect(job.entities.results[1]).toMatchObject({
      error_code: "IMG.0088",
      fail_reason: expect.stringContaining("limit of 2 members"),
    });
    expect(job.entities.results[0]).not.toHaveProperty("error_code");
    expect(members.list(project.owner, image.shared).members).toHaveLength(2);
    expect(members.list(project.owner, image.sharedTwo).members).toHaveLength(2);
  });

  it("reports progress while it runs", async () => {
    const { batch } = setup({ pacing: { chunkSize: 1, delayMs: 30 } });
    const { job_id } = batch.submit(project.owner, {
      images: [image.shared],
      projects: [project.member, project.member2, unknownProject(1), unknownProject(2)],
    });
    let running: Job | undefined;
    while (!running) {
      const job = batch.show(project.owner, project.owner, job_id);
      if (job.status === "RUNNING" && job.entities.results.length > 0) running = job;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect(running.end_time).toBeNull();
    expect(running.entities.results.length).toBeLessThan(4);
    expect(running.entities.process_percent).toBe(running.entities.results.length * 25);
    expect((await finished(batch, job_id)).entities.results).toHaveLength(4);
  });

  it("runs queued jobs one after another, each to the end", async () => {
    const { batch } = setup({ pacing: { chunkSize: 1, delayMs: 0 } });
    const first = batch.submit(project.owner, {
      images: [image.shared],
      projects: [project.member, project.member2],
    }).job_id;
    const second = batch.submit(project.owner, {
      images: [image.sharedTwo],
      projects: [project.member, project.member2],
    }).job_id;
    expect(batch.show(project.owner, project.owner, second).status).toBe("INIT");
    expect((await finished(batch, first)).status).toBe("SUCCESS");
    expect((await finished(batch, second)).status).toBe("SUCCESS");
  });
});

describe("resuming an interrupted job", () => {
  it("finishes the job from where it stopped, writing no pair twice", async () => {
    const store = new Store(openDatabase(":memory:"));
    const first = setup({ store, pacing: { chunkSize: 3, delayMs: 5 } });
    const projects = Array.from({ length: 20 }, (_, i) => unknownProject(i));
    const { job_id } = first.batch.submit(project.owner, { images: [image.shared, image.sharedTwo], projects });
    while ((store.job(job_id)?.done ?? 0) < 6) await new Promise((resolve) => setTimeout(resolve, 2));
    await first.runner.stop();
    const stopped = first.batch.show(project.owner, project.owner, job_id);
    expect(stopped.status).toBe("RUNNING");
    expect(stopped.entities.results.length).toBeLessThan(40);

    const second = setup({ store, pacing: { chunkSize: 7, delayMs: 0 } });
    second.runner.resume();
    const job = await finished(second.batch, job_id);
    expect(job.status).toBe("SUCCESS");
    const pairs = job.entities.results.map((r) => `${r.image_id}/${r.project_id}`);
    expect(pairs).toHaveLength(40);
    expect(new Set(pairs).size).toBe(40);
    expect(store.memberCount(image.shared)).toBe(20);
    expect(store.memberCount(image.sharedTwo)).toBe(20);
  });
});

describe("showing a job", () => {
  it("refuses a project id other than the caller's with 403 (IMG.0161)", () => {
    const { batch } = setup();
    expect(refusal(() => batch.show(project.owner, project.member, "0".repeat(32)))).toMatchObject({
      status: 403,
      code: "IMG.0161",
    });
  });

  it("answers 404 (IMG.0023) for an unknown job and for another project's job", async () => {
    const { batch, members } = setup();
    expect(refusal(() => batch.show(project.owner, project.owner, "0".repeat(32)))).toMatchObject({
      status: 404,
      code: "IMG.0023",
    });
    members.add(project.owner, image.shared, project.member);
    const { job_id } = batch.submit(project.owner, { images: [image.shared], projects: [project.member2] });
    expect(refusal(() => batch.show(project.member, project.member, job_id))).toMatchObject({
      status: 404,
      code: "IMG.0023",
    });
  });
});
