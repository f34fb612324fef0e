// batch_rules: what batch sharing promises beyond its schema. A request naming an unknown image,
// a public image or the caller's own project is refused whole (400 with IMG.0027, IMG.0089,
// IMG.0076) and shares nothing; a pair that is already a member ends SUCCESS and keeps its status;
// a finished job reports process_percent 100; a job larger than one internal chunk (over 200
// pairs) completes with one result per pair.
import { Findings } from "../findings.ts";
import type { Exchange } from "../http.ts";
import { jsonBody, type Session } from "../session.ts";
import { validBody } from "../values.ts";
import { defineCheck } from "./check.ts";
import { ensureMember, freshProject, mayChangeState, memberRows, offReason, primaryImage, sleep } from "./shared.ts";

const operations = ["batchAddImageMembers", "showJob"];

interface JobBody {
  status?: unknown;
  entities?: { process_percent?: unknown; results?: { image_id?: unknown; project_id?: unknown; status?: unknown }[] };
}

export const batchRules = defineCheck({
  kind: "active",
  name: "batch_rules",
  label: "batch",
  summary: "refused batches share nothing (IMG.0027/0089/0076); existing members keep their status; big jobs finish",
  async run(s) {
    const f = new Findings(this.name, s.contract);
    if (!s.contract.has("batchAddImageMembers") || !s.contract.has("showJob") || !mayChangeState(s)) {
      for (const id of operations)
        if (s.contract.has(id)) f.skip(id, mayChangeState(s) ? "the profile has no batch sharing" : offReason);
      return f.list;
    }
    await refusals(s, f);
    await existingMember(s, f);
    await bigJob(s, f);
    return f.list;
  },
});

async function refusals(s: Session, f: Findings): Promise<void> {
  const image = primaryImage(s);
  const cases: { code: string; what: string; images: string[]; projects: string[] }[] = [
    {
      code: "IMG.0027",
      what: "an unknown image next to a valid one",
      images: [image, "00000000-0000-4000-8000-000000000000"],
      projects: [freshProject(s)],
    },
    {
      code: "IMG.0076",
      what: "the caller's own project next to a fresh one",
      images: [image],
      projects: [freshProject(s), s.projectOf("owner")],
    },
  ];
  const publicImage = s.config.fixtures.publicImage;
  if (publicImage)
    cases.push({
      code: "IMG.0089",
      what: "a public image next to a valid one",
      images: [image, publicImage],
      projects: [freshProject(s)],
    });
  for (const c of cases) {
    const exchange = await s.call("batchAddImageMembers", {
      actor: "owner",
      params: {},
      body: { images: c.images, projects: c.projects },
      purpose: `batch_rules: ${c.what}`,
    });
    const got = (jsonBody(exchange) as { error?: { code?: unknown } } | undefined)?.error?.code;
    f.judge(
      "batchAddImageMembers",
      exchange.response?.status === 400 && got === c.code,
      `batch.refuse-${c.code}`,
      `${c.what}: expected 400 with ${c.code}, got ${exchange.response?.status ?? exchange.error} with ${JSON.stringify(got)}`,
      exchange,
    );
    // A refused request shares nothing, not even the valid pairs; a job it started would say otherwise.
    await waitForJob(s, exchange);
    const fresh = c.projects.filter((p) => p !== s.projectOf("owner"));
    const listed = await s.call("listImageMembers", {
      actor: "owner",
      params: { image_id: image },
      purpose: `batch_rules: nothing shared after ${c.what}`,
    });
    const shared = (memberRows(listed) ?? []).filter((r) => fresh.includes(String(r.member_id)));
    f.judge(
      "batchAddImageMembers",
      memberRows(listed) !== undefined && shared.length === 0,
      `batch.refused-shares-nothing-${c.code}`,
      `after a refused batch (${c.what}), ${image} should not list ${fresh.join(", ")}`,
      listed,
    );
  }
}

async function existingMember(s: Session, f: Findings): Promise<void> {
  const image = primaryImage(s);
  const member = s.projectOf("member");
  const problem = await ensureMember(s, image, member, "batch_rules: set-up");
  const update = s.contract.op("updateImageMember");
  const accepted = problem
    ? undefined
    : await s.call(update.id, {
        actor: "member",
        params: { image_id: image, member_id: member },
        body: validBody(s.contract, update, { status: "accepted" }),
        purpose: "batch_rules: the member accepts before the batch",
      });
  if (problem || accepted?.response?.status !== 200) {
    f.inconclusive("batchAddImageMembers", "batch.set-up", `set-up failed: ${problem ?? accepted?.response?.status}`);
    return;
  }
  const started = await s.call("batchAddImageMembers", {
    actor: "owner",
    params: {},
    body: { images: [image], projects: [member] },
    purpose: "batch_rules: share with a project that is already an accepted member",
  });
  const job = await waitForJob(s, started);
  if (!job) {
    f.inconclusive(
      "batchAddImageMembers",
      "batch.set-up",
      `the batch did not start or end: ${started.response?.status ?? started.error}`,
      started,
    );
    return;
  }
  const result = job.body.entities?.results?.find((r) => r.project_id === member);
  f.judge(
    "showJob",
    job.body.status === "SUCCESS" && result?.status === "success",
    "batch.existing-member-success",
    `a pair that is already a member should end SUCCESS/success; job ${String(job.body.status)}, pair ${JSON.stringify(result)}`,
    job.exchange,
  );
  judgePercent(f, job);
  const shown = await s.call("showImageMember", {
    actor: "member",
    params: { image_id: image, member_id: member },
    purpose: "batch_rules: the member's status after the batch",
  });
  f.judge(
    "batchAddImageMembers",
    (jsonBody(shown) as { status?: unknown } | undefined)?.status === "accepted",
    "batch.existing-member-keeps-status",
    `the member was accepted before the batch and should still be; got ${shown.response?.status} ${shown.response?.body.slice(0, 120)}`,
    shown,
  );
}

/** Over 200 pairs: as many fresh projects as it takes over the fixture images (at most 100 per request). */
async function bigJob(s: Session, f: Findings): Promise<void> {
  const images = [...s.config.fixtures.shareableImages, ...s.config.fixtures.privateImages].slice(0, 10);
  const perImage = Math.ceil(201 / images.length);
  if (perImage > 100) {
    f.skip("showJob", "a job over 200 pairs needs at least three shareable or private fixture images");
    return;
  }
  const projects = Array.from({ length: perImage }, () => freshProject(s));
  const started = await s.call("batchAddImageMembers", {
    actor: "owner",
    params: {},
    body: { images, projects },
    purpose: `batch_rules: a job of ${images.length * perImage} pairs`,
  });
  const job = await waitForJob(s, started);
  if (!job) {
    f.inconclusive(
      "showJob",
      "batch.set-up",
      `the big batch did not start or end: ${started.response?.status ?? started.error}`,
      started,
    );
    return;
  }
  const results = job.body.entities?.results ?? [];
  const pairs = new Set(results.map((r) => `${String(r.image_id)}/${String(r.project_id)}`));
  const expected = images.length * projects.length;
  f.judge(
    "showJob",
    job.body.status === "SUCCESS" && results.length === expected && pairs.size === expected,
    "batch.big-job-one-result-per-pair",
    `a job of ${expected} pairs should end SUCCESS with ${expected} distinct results; got ${String(job.body.status)} with ${results.length} results (${pairs.size} distinct)`,
    job.exchange,
  );
  judgePercent(f, job);
}

function judgePercent(f: Findings, job: { body: JobBody; exchange: Exchange }): void {
  f.judge(
    "showJob",
    job.body.entities?.process_percent === 100,
    "batch.finished-percent-100",
    `a finished job should report process_percent 100; got ${JSON.stringify(job.body.entities?.process_percent)}`,
    job.exchange,
  );
}

/** Polls the job a batch call started until it ends; undefined if none started or it did not end in time. */
async function waitForJob(s: Session, started: Exchange): Promise<{ body: JobBody; exchange: Exchange } | undefined> {
  const jobId = (jsonBody(started) as { job_id?: unknown } | undefined)?.job_id;
  if (started.response?.status !== 200 || typeof jobId !== "string") return undefined;
  const deadline = Date.now() + s.config.timeouts.jobMs;
  for (;;) {
    const polled = await s.call("showJob", {
      actor: "owner",
      params: { project_id: s.projectOf("owner"), job_id: jobId },
      purpose: "batch_rules: poll the job",
    });
    const body = (jsonBody(polled) ?? {}) as JobBody;
    if (body.status === "SUCCESS" || body.status === "FAIL") return { body, exchange: polled };
    if (polled.response?.status !== 200 || Date.now() >= deadline) return undefined;
    await sleep(s.config.timeouts.jobPollMs);
  }
}
