// Batch answers and batch removals without HTTP: the rules of DECISIONS.md 26-34, what each job
// writes per image or pair, and how an interrupted job of either kind is resumed.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { AccessRules } from "../../src/sandbox/access.ts";
import { BatchSharing } from "../../src/sandbox/batch.ts";
import { DatabaseError, openDatabase, Store } from "../../src/sandbox/db.ts";
import { ApiError } from "../../src/sandbox/errors.ts";
import { type JobPacing, JobRunner } from "../../src/sandbox/jobs.ts";
import { MemberRules } from "../../src/sandbox/members.ts";
import { Catalog, defaultSeedPath, loadSeedFile } from "../../src/sandbox/seed.ts";
import type { Job } from "../../src/sandbox/types.ts";
import { image, project, unknownProject } from "./helpers.ts";

const catalog = new Catalog(loadSeedFile(defaultSeedPath));
const runners: JobRunner[] = [];

afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.stop()));
});

/** A clock the test moves by hand, so that a change of `updated_at` can be told from none. */
function manualClock(start = Date.parse("2026-01-01T00:00:00Z")) {
  let now = start;
  return { clock: () => new Date(now), advance: (seconds: number) => (now += seconds * 1000) };
}

function setup(options: { pacing?: JobPacing; maxQueuedJobs?: number; store?: Store } = {}) {
  const store = options.store ?? new Store(openDatabase(":memory:"));
  const time = manualClock();
  const access = new AccessRules(store, catalog, 256);
  const runner = new JobRunner(store, access, time.clock, options.pacing ?? { chunkSize: 500, delayMs: 0 });
  runners.push(runner);
  return {
    store,
    runner,
    time,
    members: new MemberRules(store, access, time.clock),
    batch: new BatchSharing(store, access, runner, time.clock, options.maxQueuedJobs ?? 50),
  };
}

async function finished(batch: BatchSharing, caller: string, jobId: string): Promise<Job> {
  for (;;) {
    const job = batch.show(caller, caller, jobId);
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

const accept = (images: string[], projectId: string = project.member) => ({
  images,
  project_id: projectId,
  status: "accepted" as const,
});

describe("a batch answer, checked before anything changes", () => {
  it("refuses an image the caller is not a member of like an unknown one: 400, IMG.0027 (decision 26)", () => {
    const { batch, members, store } = setup();
    members.add(project.owner, image.shared, project.member);
    for (const images of [
      [image.shared, image.sharedTwo],
      [image.shared, "00000000-0000-4000-8000-000000000000"],
      [image.strangers],
      [image.public],
    ]) {
      const refused = refusal(() => batch.answer(project.member, accept(images)));
      expect(refused).toMatchObject({ status: 400, code: "IMG.0027" });
      expect(refused.message).toContain("does not exist or is not shared with project");
    }
    expect(store.unfinishedJobs()).toEqual([]);
    expect(members.show(project.member, image.shared, project.member).status).toBe("pending");
  });

  it("refuses the owner's own image with IMG.0076, even when the owner added itself as a member", () => {
    const { batch, members } = setup();
    members.add(project.owner, image.shared, project.owner);
    expect(refusal(() => batch.answer(project.owner, accept([image.shared], project.owner)))).toMatchObject({
      status: 400,
      code: "IMG.0076",
    });
  });

  it("refuses a project_id other than the caller's with 403, IMG.0161, before looking at images (decision 27)", () => {
    const { batch, members, store } = setup();
    members.add(project.owner, image.shared, project.member2);
    for (const images of [[image.shared], [image.strangers]]) {
      expect(refusal(() => batch.answer(project.member, accept(images, project.member2)))).toMatchObject({
        status: 403,
        code: "IMG.0161",
      });
    }
    expect(store.unfinishedJobs()).toEqual([]);
  });

  it("refuses the same image twice, spelled in two cases, with IMG.0001 (decision 31)", () => {
    const { batch, members } = setup();
    members.add(project.owner, image.shared, project.member);
    expect(
      refusal(() => batch.answer(project.member, accept([image.shared, image.shared.toUpperCase()]))),
    ).toMatchObject({ status: 400, code: "IMG.0001" });
  });
});

describe("a batch answer job", () => {
  it("gives every image the status, with one result per image naming the caller's project (decision 32)", async () => {
    const { batch, members, time } = setup();
    const images = [image.shared, image.privateOne, image.sharedTwo];
    for (const id of images) members.add(project.owner, id, project.member);
    time.advance(5);
    const { job_id } = batch.answer(project.member, { ...accept(images), status: "rejected" });
    const job = await finished(batch, project.member, job_id);
    expect(job).toMatchObject({
      job_type: "imsUpdateImageMembersJob",
      status: "SUCCESS",
      error_code: null,
      fail_reason: null,
      entities: { process_percent: 100 },
    });
    expect(job.entities.results).toEqual(
      images.map((id) => ({ image_id: id, project_id: project.member, status: "success" })),
    );
    for (const id of images) {
      const shown = members.show(project.member, id, project.member);
      expect(shown.status).toBe("rejected");
      expect(Date.parse(shown.updated_at) - Date.parse(shown.created_at)).toBe(5000);
    }
  });

  it("counts an image already in the status as a success and leaves its updated_at alone (decision 29)", async () => {
    const { batch, members, time } = setup();
    members.add(project.owner, image.shared, project.member);
    members.add(project.owner, image.sharedTwo, project.member);
    const before = members.update(project.member, image.shared, project.member, "accepted");
    time.advance(60);
    const job = await finished(
      batch,
      project.member,
      batch.answer(project.member, accept([image.shared, image.sharedTwo])).job_id,
    );
    expect(job.status).toBe("SUCCESS");
    expect(members.show(project.member, image.shared, project.member)).toEqual(before);
    expect(members.show(project.member, image.sharedTwo, project.member).updated_at).not.toBe(before.updated_at);
  });

  it("fails only the image whose share was withdrawn while the job waited (IMG.0027) and ends FAIL", async () => {
    const { batch, members } = setup({ pacing: { chunkSize: 1, delayMs: 30 } });
    members.add(project.owner, image.shared, project.member);
    members.add(project.owner, image.sharedTwo, project.member);
    const { job_id } = batch.answer(project.member, accept([image.shared, image.sharedTwo]));
    members.remove(project.owner, image.sharedTwo, project.member);
    const job = await finished(batch, project.member, job_id);
    expect(job).toMatchObject({ status: "FAIL", error_code: "IMG.0027", fail_reason: "1 of 2 pairs failed." });
    expect(job.entities.results).toEqual([
      { image_id: image.shared, project_id: project.member, status: "success" },
      {
        image_id: image.sharedTwo,
        project_id: project.member,
        status: "failed",
        error_code: "IMG.0027",
        fail_reason: `Image ${image.sharedTwo} is no longer shared with project ${project.member}.`,
      },
    ]);
    expect(members.show(project.member, image.shared, project.member).status).toBe("accepted");
  });

  it("belongs to the recipient: the owner cannot read it", async () => {
    const { batch, members } = setup();
    members.add(project.owner, image.shared, project.member);
    const { job_id } = batch.answer(project.member, accept([image.shared]));
    expect(refusal(() => batch.show(project.owner, project.owner, job_id))).toMatchObject({
      status: 404,
      code: "IMG.0023",
    });
  });
});

describe("a batch removal, checked before anything changes (decision 33)", () => {
  const cases: [string, string, string[], string][] = [
    ["an image that does not exist", project.owner, ["00000000-0000-4000-8000-000000000000"], "IMG.0027"],
    ["another project's image the caller cannot see", project.owner, [image.strangers], "IMG.0027"],
    ["an image the caller is a member of but does not own", project.member, [image.shared], "IMG.0047"],
    ["a public image", project.owner, [image.shared, image.public], "IMG.0089"],
    [
      "the same image twice, spelled in two cases",
      project.owner,
      [image.shared, image.shared.toUpperCase()],
      "IMG.0001",
    ],
  ];
  it.each(cases)("refuses %s with 400 and its IMS code, removing nothing", (_name, caller, images, code) => {
    const { batch, members, store } = setup();
    members.add(project.owner, image.shared, project.member);
    expect(refusal(() => batch.remove(caller, { images, projects: [project.member] }))).toMatchObject({
      status: 400,
      code,
    });
    expect(store.unfinishedJobs()).toEqual([]);
    expect(store.memberCount(image.shared)).toBe(1);
  });

  it("shares the job queue with the other batch calls: 503, IMG.0060, once the caller's is full", () => {
    const { batch } = setup({ maxQueuedJobs: 1, pacing: { chunkSize: 1, delayMs: 1000 } });
    batch.submit(project.owner, { images: [image.shared], projects: [project.member] });
    expect(
      refusal(() => batch.remove(project.owner, { images: [image.shared], projects: [project.member] })),
    ).toMatchObject({ status: 503, code: "IMG.0060" });
  });
});

describe("a batch removal job", () => {
  it("removes every pair whatever its status, one result per pair, and counts non-members as success", async () => {
    const { batch, members } = setup();
    members.add(project.owner, image.shared, project.member);
    members.add(project.owner, image.shared, project.member2);
    members.add(project.owner, image.privateOne, project.member);
    members.update(project.member, image.shared, project.member, "accepted");
    members.update(project.member2, image.shared, project.member2, "rejected");
    const projects = [project.member, project.member2, unknownProject(1)];
    const { job_id } = batch.remove(project.owner, { images: [image.shared, image.privateOne], projects });
    const job = await finished(batch, project.owner, job_id);
    expect(job).toMatchObject({ job_type: "imsDelImageMembersJob", status: "SUCCESS", error_code: null });
    expect(job.entities.results).toEqual(
      [image.shared, image.privateOne].flatMap((i) =>
        projects.map((p) => ({ image_id: i, project_id: p, status: "success" })),
      ),
    );
    expect(members.list(project.owner, image.shared).members).toEqual([]);
    expect(members.list(project.owner, image.privateOne).members).toEqual([]);
  });

  it("removes the owner's own membership when its project is listed (decision 34)", async () => {
    const { batch, members, store } = setup();
    members.add(project.owner, image.shared, project.owner);
    members.add(project.owner, image.shared, project.member);
    const job = await finished(
      batch,
      project.owner,
      batch.remove(project.owner, { images: [image.shared], projects: [project.owner] }).job_id,
    );
    expect(job.status).toBe("SUCCESS");
    expect(store.isMember(image.shared, project.owner)).toBe(false);
    expect(store.isMember(image.shared, project.member)).toBe(true);
  });

  it("runs after a share queued before it, so a share then a removal leaves no member", async () => {
    const { batch, store } = setup({ pacing: { chunkSize: 1, delayMs: 0 } });
    const projects = [project.member, project.member2];
    const shared = batch.submit(project.owner, { images: [image.shared], projects }).job_id;
    const removed = batch.remove(project.owner, { images: [image.shared], projects }).job_id;
    expect((await finished(batch, project.owner, removed)).status).toBe("SUCCESS");
    expect((await finished(batch, project.owner, shared)).status).toBe("SUCCESS");
    expect(store.memberCount(image.shared)).toBe(0);
  });
});

describe("resuming an interrupted answer or removal", () => {
  it.each(["answer", "removal"] as const)("finishes the %s from where it stopped, no pair twice", async (kind) => {
    const store = new Store(openDatabase(":memory:"));
    const first = setup({ store, pacing: { chunkSize: 2, delayMs: 30 } });
    const images = [image.shared, image.sharedTwo, image.privateOne, image.privateTwo];
    const projects = Array.from({ length: 5 }, (_, i) => unknownProject(i));
    for (const id of images) {
      first.members.add(project.owner, id, project.member);
      for (const p of projects) first.members.add(project.owner, id, p);
    }
    const caller = kind === "answer" ? project.member : project.owner;
    const { job_id } =
      kind === "answer"
        ? first.batch.answer(project.member, accept(images))
        : first.batch.remove(project.owner, { images, projects });
    const total = kind === "answer" ? images.length : images.length * projects.length;
    while ((store.job(job_id)?.done ?? 0) < 2) await new Promise((resolve) => setTimeout(resolve, 1));
    await first.runner.stop();
    const stopped = first.batch.show(caller, caller, job_id);
    expect(stopped.status).toBe("RUNNING");
    expect(stopped.entities.results.length).toBeLessThan(total);

    const second = setup({ store, pacing: { chunkSize: 3, delayMs: 0 } });
    second.runner.resume();
    const job = await finished(second.batch, caller, job_id);
    expect(job.status).toBe("SUCCESS");
    const pairs = job.entities.results.map((r) => `${r.image_id}/${r.project_id}`);
    expect(pairs).toHaveLength(total);
    expect(new Set(pairs).size).toBe(total);
    for (const id of images) {
      if (kind === "answer") expect(second.members.show(project.member, id, project.member).status).toBe("accepted");
      else expect(second.members.list(project.owner, id).members.map((m) => m.member_id)).toEqual([project.member]);
    }
  });
});

describe("a database file of the sandbox before batch answers (schema version 1)", () => {
  it("is opened and gains the table of answers; a newer version is refused", () => {
    const dir = mkdtempSync(join(tmpdir(), "sandbox-db-"));
    const old = join(dir, "v1.sqlite");
    const v1 = new Database(old);
    v1.exec("CREATE TABLE members (seq INTEGER PRIMARY KEY)");
    v1.pragma("user_version = 1");
    v1.close();
    const db = openDatabase(old);
    expect(db.pragma("user_version", { simple: true })).toBe(2);
    expect(db.prepare("SELECT count(*) AS n FROM job_answers").get()).toEqual({ n: 0 });
    db.close();

    const newer = join(dir, "v3.sqlite");
    const v3 = new Database(newer);
    v3.pragma("user_version = 3");
    v3.close();
    expect(() => openDatabase(newer)).toThrow(DatabaseError);
  });
});
