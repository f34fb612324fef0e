// stateful_flows: the sequences the spec's links describe. A member added by the owner is listed,
// can be read and answered through the links of the add response, cannot be added twice, and is
// gone once removed; a batch job reaches SUCCESS and every pair it reports is listed; an unknown
// job is 404. With the response checks alone selected, the same walk runs without judgement.
import { Findings } from "../findings.ts";
import type { Exchange } from "../http.ts";
import { jsonBody, type Session } from "../session.ts";
import { randomHex, validBody } from "../values.ts";
import { defineCheck } from "./check.ts";
import { describeRows, followLink, mayChangeState, memberRows, offReason, primaryImage } from "./shared.ts";

export const statefulFlows = defineCheck({
  kind: "active",
  name: "stateful_flows",
  label: "flows",
  summary: "the flows the spec's links describe behave as documented",
  walk: true,
  async run(s) {
    const f = new Findings(this.name, s.contract);
    if (!mayChangeState(s)) {
      for (const op of s.contract.operations) f.skip(op.id, offReason);
      return f.list;
    }
    await memberLifecycle(s, f);
    if (s.contract.has("batchAddImageMembers") && s.contract.has("showJob")) await batchSharing(s, f);
    if (s.contract.has("showJob")) await unknownJob(s, f);
    return f.list;
  },
});

async function memberLifecycle(s: Session, f: Findings): Promise<void> {
  const add = s.contract.op("addImageMember");
  const image = primaryImage(s);
  const member = s.projectOf("member");
  const body = validBody(s.contract, add, { member });

  const added = await s.call(add.id, {
    actor: "owner",
    params: { image_id: image },
    body,
    purpose: "flow: the owner adds the member",
  });
  if (!f.expectStatus(added, add.successStatus, "the owner adds a member")) return;
  const created = jsonBody(added) as { member_id?: unknown; image_id?: unknown; status?: unknown } | undefined;
  f.judge(
    add.id,
    created?.member_id === member && created.image_id === image && created.status === "pending",
    "flows.add-returns-pending-member",
    `the new membership should be ${member} on ${image}, pending; got ${JSON.stringify(created)}`,
    added,
  );

  const listed = await s.call("listImageMembers", {
    actor: "owner",
    params: { image_id: image },
    purpose: "flow: the owner lists the members",
  });
  const rows = memberRows(listed);
  f.judge(
    "listImageMembers",
    rows?.some((r) => r.member_id === member) === true,
    "flows.list-contains-added",
    `the owner's list should contain ${member}; got ${describeRows(rows)}`,
    listed,
  );

  const shown = await followLink(s, f, added, "showImageMember", {
    actor: "owner",
    purpose: "flow: the owner reads the new member (link showImageMember)",
  });
  if (
    shown &&
    f.expectStatus(shown, s.contract.op("showImageMember").successStatus, "the owner reads the new member")
  ) {
    const row = jsonBody(shown) as { member_id?: unknown; status?: unknown } | undefined;
    f.judge(
      "showImageMember",
      row?.member_id === member && row.status === "pending",
      "flows.show-returns-pending-member",
      `show should return ${member}, pending; got ${JSON.stringify(row)}`,
      shown,
    );
  }

  const update = s.contract.op("updateImageMember");
  const answered = await followLink(s, f, added, update.id, {
    actor: "member",
    body: validBody(s.contract, update, { status: "accepted" }),
    purpose: "flow: the member accepts (link updateImageMember)",
  });
  if (answered && f.expectStatus(answered, update.successStatus, "the member accepts the share")) {
    const row = jsonBody(answered) as { status?: unknown } | undefined;
    f.judge(
      update.id,
      row?.status === "accepted",
      "flows.accept-answer-says-accepted",
      `the answer should carry status accepted; got ${JSON.stringify(row)}`,
      answered,
    );
    const reread = await followLink(s, f, added, "showImageMember", {
      actor: "member",
      purpose: "flow: the member reads its membership after accepting",
    });
    const after = reread ? (jsonBody(reread) as { status?: unknown } | undefined) : undefined;
    if (reread)
      f.judge(
        update.id,
        after?.status === "accepted",
        "flows.show-after-accept-says-accepted",
        `after accepting, show should say accepted; got ${JSON.stringify(after)}`,
        reread,
      );
  }

  const again = await s.call(add.id, {
    actor: "owner",
    params: { image_id: image },
    body,
    purpose: "flow: the owner adds the same member again",
  });
  f.expectStatus(again, 409, "adding an existing member");

  const remove = s.contract.op("removeImageMember");
  const removed = await followLink(s, f, added, remove.id, {
    actor: "owner",
    purpose: "flow: the owner removes the member (link removeImageMember)",
  });
  if (!removed || !f.expectStatus(removed, remove.successStatus, "the owner removes the member")) return;
  const gone = await followLink(s, f, added, "showImageMember", {
    actor: "owner",
    purpose: "flow: the owner reads the removed member",
  });
  if (gone)
    f.judge(
      remove.id,
      gone.response?.status === 404,
      "flows.removed-member-show-404",
      `after removal, show should answer 404; got ${gone.response?.status ?? gone.error}`,
      gone,
    );
  const relisted = await s.call("listImageMembers", {
    actor: "owner",
    params: { image_id: image },
    purpose: "flow: the owner lists the members after removal",
  });
  const rowsAfter = memberRows(relisted);
  f.judge(
    remove.id,
    rowsAfter !== undefined && !rowsAfter.some((r) => r.member_id === member),
    "flows.removed-member-not-listed",
    `after removal, the list should not contain ${member}; got ${describeRows(rowsAfter)}`,
    relisted,
  );

  const readded = await s.call(add.id, {
    actor: "owner",
    params: { image_id: image },
    body,
    purpose: "flow: the owner adds the removed member again",
  });
  if (f.expectStatus(readded, add.successStatus, "adding a removed member again")) {
    const row = jsonBody(readded) as { status?: unknown } | undefined;
    f.judge(
      add.id,
      row?.status === "pending",
      "flows.readded-member-pending",
      `a member added again should start pending; got ${JSON.stringify(row)}`,
      readded,
    );
    await followLink(s, f, readded, remove.id, {
      actor: "owner",
      purpose: "flow: the owner removes the member again",
    });
  }
}

async function batchSharing(s: Session, f: Findings): Promise<void> {
  const batch = s.contract.op("batchAddImageMembers");
  const images = s.config.fixtures.shareableImages.slice(0, 2);
  const projects = [s.projectOf("member"), ...s.config.fixtures.otherProjects];
  const started = await s.call(batch.id, {
    actor: "owner",
    params: {},
    body: validBody(s.contract, batch, { images, projects }),
    purpose: "flow: the owner shares images with projects in batch",
  });
  if (!f.expectStatus(started, batch.successStatus, "batch sharing")) return;

  const job = await waitForJob(s, f, started);
  if (!job) return;
  const jobId = job.jobId;
  const results = job.body.entities?.results ?? [];
  const expected = images.flatMap((image) => projects.map((project) => `${image}/${project}`));
  const reported = results.map((r) => `${String(r.image_id)}/${String(r.project_id)}`);
  const missing = expected.filter((pair) => !reported.includes(pair));
  const failed = results
    .filter((r) => r.status !== "success")
    .map((r) => `${String(r.image_id)}/${String(r.project_id)}: ${String(r.status)}`);
  f.judge(
    "showJob",
    missing.length === 0 && failed.length === 0 && results.length === expected.length,
    "flows.job-reports-every-pair",
    `job ${jobId} should report ${expected.length} successful pairs; missing ${JSON.stringify(missing)}, not successful ${JSON.stringify(failed)}, ${results.length} results`,
    job.exchange,
  );

  for (const image of images) {
    const listed = await s.call("listImageMembers", {
      actor: "owner",
      params: { image_id: image },
      purpose: "flow: the owner lists the members the batch added",
    });
    const rows = memberRows(listed);
    const absent = projects.filter((p) => !rows?.some((r) => r.member_id === p));
    f.judge(
      batch.id,
      rows !== undefined && absent.length === 0,
      "flows.batch-pairs-listed",
      `after job ${jobId} succeeded, ${image} should list ${projects.join(", ")}; missing ${absent.join(", ")} in ${describeRows(rows)}`,
      listed,
    );
  }
}

interface JobBody {
  status?: unknown;
  entities?: { results?: { image_id?: unknown; project_id?: unknown; status?: unknown }[] };
}

/** Follows the showJob link and polls until the job is SUCCESS or FAIL, judging its end. */
async function waitForJob(s: Session, f: Findings, started: Exchange) {
  const showJob = s.contract.op("showJob");
  const deadline = Date.now() + s.config.timeouts.jobMs;
  for (;;) {
    const polled = await followLink(s, f, started, showJob.id, {
      actor: "owner",
      extra: { project_id: s.projectOf("owner") },
      purpose: "flow: the owner polls the batch job (link showJob)",
    });
    if (!polled || !f.expectStatus(polled, showJob.successStatus, "polling the job")) return undefined;
    const body = (jsonBody(polled) ?? {}) as JobBody;
    const jobId = polled.params.job_id ?? "";
    if (body.status === "SUCCESS" || body.status === "FAIL") {
      if (
        !f.judge(
          showJob.id,
          body.status === "SUCCESS",
          "flows.job-ends-success",
          `job ${jobId} ended ${String(body.status)}, not SUCCESS`,
          polled,
        )
      )
        return undefined;
      return { jobId, body, exchange: polled };
    }
    if (Date.now() >= deadline) {
      f.judge(
        showJob.id,
        false,
        "flows.job-ends-in-time",
        `job ${jobId} is still ${String(body.status)} after ${s.config.timeouts.jobMs} ms`,
        polled,
      );
      return undefined;
    }
    await new Promise((resolve) => setTimeout(resolve, s.config.timeouts.jobPollMs));
  }
}

async function unknownJob(s: Session, f: Findings): Promise<void> {
  const exchange = await s.call("showJob", {
    actor: "owner",
    params: { project_id: s.projectOf("owner"), job_id: randomHex(32) },
    purpose: "flow: the owner asks for a job that does not exist",
  });
  f.expectStatus(exchange, 404, "a job that does not exist");
}
