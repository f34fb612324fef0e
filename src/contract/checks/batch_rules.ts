// batch_rules: what batch sharing promises beyond its schema. A request naming an unknown image,
// a public image or the caller's own project is refused whole (400 with IMG.0027, IMG.0089,
// IMG.0076) and shares nothing; a pair that is already a member ends SUCCESS and keeps its status;
// a finished job reports process_percent 100; a job larger than one internal chunk (over 200
// pairs) completes with one result per pair. A batch answer refuses `pending` and repeated images
// (IMG.0001), another project's id (403 IMG.0161) and an image the caller is not a member of
// (IMG.0027), and its job reports one result per image; a batch removal by a non-owner is refused
// (IMG.0047 for a member, IMG.0027 for a stranger) and removes nothing, pairs that are not members
// end `success`, and its job reports one result per pair (DECISIONS 26-33).
import { Findings } from "../findings.ts";
import type { Exchange } from "../http.ts";
import { jsonBody, type Session } from "../session.ts";
import { validBody } from "../values.ts";
import { defineCheck } from "./check.ts";
import {
  ensureMember,
  freshProject,
  type JobBody,
  mayChangeState,
  memberRows,
  offReason,
  pollJob,
  primaryImage,
} from "./shared.ts";

const waitForJob = (s: Session, started: Exchange) => pollJob(s, started, "batch_rules: poll the job");

const operations = ["batchAddImageMembers", "batchUpdateImageMembers", "batchRemoveImageMembers", "showJob"];

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
    if (s.contract.has("batchUpdateImageMembers")) await answerRules(s, f);
    if (s.contract.has("batchRemoveImageMembers")) await removalRules(s, f);
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

/** Sends a batch call that the contract refuses and judges its status and IMS code. */
async function refused(
  s: Session,
  f: Findings,
  operation: string,
  actor: "owner" | "member" | "stranger",
  body: unknown,
  expected: { status: number; code: string },
  what: string,
): Promise<Exchange> {
  const exchange = await s.call(operation, { actor, params: {}, body, purpose: `batch_rules: ${what}` });
  const got = (jsonBody(exchange) as { error?: { code?: unknown } } | undefined)?.error?.code;
  f.judge(
    operation,
    exchange.response?.status === expected.status && got === expected.code,
    `batch.refuse-${slugOf(what)}`,
    `${what}: expected ${expected.status} with ${expected.code}, got ${exchange.response?.status ?? exchange.error} with ${JSON.stringify(got)}`,
    exchange,
  );
  await waitForJob(s, exchange);
  return exchange;
}

function slugOf(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, "-");
}

/** The member's status on `image` as the member sees it, or why it could not be read. */
async function statusOn(s: Session, image: string, what: string): Promise<unknown> {
  const shown = await s.call("showImageMember", {
    actor: "member",
    params: { image_id: image, member_id: s.projectOf("member") },
    purpose: `batch_rules: the member's status ${what}`,
  });
  return (jsonBody(shown) as { status?: unknown } | undefined)?.status ?? `HTTP ${shown.response?.status}`;
}

async function answerRules(s: Session, f: Findings): Promise<void> {
  const op = "batchUpdateImageMembers";
  const image = primaryImage(s);
  const member = s.projectOf("member");
  const unshared = s.config.fixtures.shareableImages[1] ?? s.config.fixtures.privateImages[0];
  const problem = await ensureMember(s, image, member, "batch_rules: set-up for the batch answer");
  if (problem) {
    f.inconclusive(op, "batch.set-up", `set-up failed: ${problem}`);
    return;
  }
  // A pending membership, so that an answer wrongly recorded shows.
  await s.call("updateImageMember", {
    actor: "member",
    params: { image_id: image, member_id: member },
    body: { status: "pending" },
    purpose: "batch_rules: the member's share back to pending",
  });
  const body = (values: Record<string, unknown>) => ({
    images: [image],
    project_id: member,
    status: "accepted",
    ...values,
  });
  await refused(
    s,
    f,
    op,
    "member",
    body({ status: "pending" }),
    { status: 400, code: "IMG.0001" },
    "an answer of pending",
  );
  await refused(
    s,
    f,
    op,
    "member",
    body({ images: [image, image] }),
    { status: 400, code: "IMG.0001" },
    "the same image twice",
  );
  await refused(
    s,
    f,
    op,
    "member",
    body({ project_id: s.projectOf("stranger") }),
    { status: 403, code: "IMG.0161" },
    "an answer for another project",
  );
  if (unshared) {
    // Not a member of the second image: take the membership away first (404 if there was none).
    await s.call("removeImageMember", {
      actor: "owner",
      params: { image_id: unshared, member_id: member },
      purpose: "batch_rules: make sure the member is not a member of the second image",
    });
    await refused(
      s,
      f,
      op,
      "member",
      body({ images: [image, unshared] }),
      { status: 400, code: "IMG.0027" },
      "an answer for an image the caller is not a member of",
    );
  }
  const after = await statusOn(s, image, "after the refused answers");
  f.judge(
    op,
    after === "pending",
    "batch.refused-answer-changes-nothing",
    `after refused batch answers the member should still be pending on ${image}; got ${JSON.stringify(after)}`,
  );

  const started = await s.call(op, {
    actor: "member",
    params: {},
    body: body({ status: "rejected" }),
    purpose: "batch_rules: the member rejects in batch",
  });
  const job = await waitForJob(s, started);
  if (!job) {
    f.inconclusive(
      op,
      "batch.set-up",
      `the answer did not start or end: ${started.response?.status ?? started.error}`,
      started,
    );
    return;
  }
  const results = job.body.entities?.results ?? [];
  f.judge(
    "showJob",
    job.body.status === "SUCCESS" &&
      results.length === 1 &&
      results[0]?.image_id === image &&
      results[0]?.project_id === member &&
      results[0]?.status === "success",
    "batch.answer-one-result-per-image",
    `an answer for one image should end SUCCESS with one successful result for ${image}/${member}; got ${String(job.body.status)} with ${JSON.stringify(results)}`,
    job.exchange,
  );
  judgePercent(f, job);
  const rejected = await statusOn(s, image, "after rejecting in batch");
  f.judge(
    op,
    rejected === "rejected",
    "batch.answer-recorded",
    `after the batch answer rejected ${image}, the member should see rejected; got ${JSON.stringify(rejected)}`,
  );
}

async function removalRules(s: Session, f: Findings): Promise<void> {
  const op = "batchRemoveImageMembers";
  const image = primaryImage(s);
  const other = s.config.fixtures.otherProjects[0] as string;
  const problem =
    (await ensureMember(s, image, s.projectOf("member"), "batch_rules: set-up for the batch removal")) ??
    (await ensureMember(s, image, other, "batch_rules: set-up for the batch removal"));
  if (problem) {
    f.inconclusive(op, "batch.set-up", `set-up failed: ${problem}`);
    return;
  }
  const body = { images: [image], projects: [other] };
  await refused(s, f, op, "member", body, { status: 400, code: "IMG.0047" }, "a removal by a member");
  await refused(s, f, op, "stranger", body, { status: 400, code: "IMG.0027" }, "a removal by a stranger");
  const listed = await s.call("listImageMembers", {
    actor: "owner",
    params: { image_id: image },
    purpose: "batch_rules: nothing removed after refused removals",
  });
  f.judge(
    op,
    memberRows(listed)?.some((r) => r.member_id === other) === true,
    "batch.refused-removal-removes-nothing",
    `after removals by a member and a stranger, ${image} should still list ${other}`,
    listed,
  );

  // Pairs that are not members: each ends success, one result per image x project pair.
  const images = [image, ...s.config.fixtures.privateImages].slice(0, 2);
  const projects = [freshProject(s), freshProject(s)];
  const started = await s.call(op, {
    actor: "owner",
    params: {},
    body: { images, projects },
    purpose: "batch_rules: remove pairs that are not members",
  });
  const job = await waitForJob(s, started);
  if (!job) {
    f.inconclusive(
      op,
      "batch.set-up",
      `the removal did not start or end: ${started.response?.status ?? started.error}`,
      started,
    );
    return;
  }
  const results = job.body.entities?.results ?? [];
  const pairs = new Set(results.map((r) => `${String(r.image_id)}/${String(r.project_id)}`));
  const expected = images.length * projects.length;
  f.judge(
    "showJob",
    job.body.status === "SUCCESS" &&
      results.length === expected &&
      pairs.size === expected &&
      results.every((r) => r.status === "success"),
    "batch.removal-one-result-per-pair",
    `removing ${expected} pairs that are not members should end SUCCESS with ${expected} successful results; got ${String(job.body.status)} with ${JSON.stringify(results)}`,
    job.exchange,
  );
  judgePercent(f, job);
}
