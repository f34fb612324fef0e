// stateful_flows: the sequences the spec's links describe. A member added by the owner is listed,
// can be read and answered through the links of the add response, cannot be added twice, and is
// gone once removed; a batch job reaches SUCCESS and every pair it reports is listed; an unknown
// job is 404. With the response checks alone selected, the same walk runs without judgement.
import type { Exchange } from "../http.ts";
import type { Session } from "../session.ts";
import { randomHex, validBody } from "../values.ts";
import { describeRows, followLink, memberRows, primaryImage } from "./shared.ts";

const check = "stateful_flows";

export async function flows(s: Session): Promise<void> {
  await memberLifecycle(s);
  if (s.contract.has("batchAddImageMembers") && s.contract.has("showJob")) await batchSharing(s);
  if (s.contract.has("showJob")) await unknownJob(s);
}

async function memberLifecycle(s: Session): Promise<void> {
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
  if (!s.expectStatus(check, added, add.successStatus, "the owner adds a member")) return;
  const created = s.json(added) as { member_id?: unknown; image_id?: unknown; status?: unknown } | undefined;
  s.judge(
    check,
    add.id,
    created?.member_id === member && created.image_id === image && created.status === "pending",
    `the new membership should be ${member} on ${image}, pending; got ${JSON.stringify(created)}`,
    added,
  );

  const listed = await s.call("listImageMembers", {
    actor: "owner",
    params: { image_id: image },
    purpose: "flow: the owner lists the members",
  });
  const rows = memberRows(s, listed);
  s.judge(
    check,
    "listImageMembers",
    rows?.some((r) => r.member_id === member) === true,
    `the owner's list should contain ${member}; got ${describeRows(rows)}`,
    listed,
  );

  const shown = await followLink(s, check, added, "showImageMember", {
    actor: "owner",
    purpose: "flow: the owner reads the new member (link showImageMember)",
  });
  if (
    shown &&
    s.expectStatus(check, shown, s.contract.op("showImageMember").successStatus, "the owner reads the new member")
  ) {
    const row = s.json(shown) as { member_id?: unknown; status?: unknown } | undefined;
    s.judge(
      check,
      "showImageMember",
      row?.member_id === member && row.status === "pending",
      `show should return ${member}, pending; got ${JSON.stringify(row)}`,
      shown,
    );
  }

  const update = s.contract.op("updateImageMember");
  const answered = await followLink(s, check, added, update.id, {
    actor: "member",
    body: validBody(s.contract, update, { status: "accepted" }),
    purpose: "flow: the member accepts (link updateImageMember)",
  });
  if (answered && s.expectStatus(check, answered, update.successStatus, "the member accepts the share")) {
    const row = s.json(answered) as { status?: unknown } | undefined;
    s.judge(
      check,
      update.id,
      row?.status === "accepted",
      `the answer should carry status accepted; got ${JSON.stringify(row)}`,
      answered,
    );
    const reread = await followLink(s, check, added, "showImageMember", {
      actor: "member",
      purpose: "flow: the member reads its membership after accepting",
    });
    const after = reread ? (s.json(reread) as { status?: unknown } | undefined) : undefined;
    if (reread)
      s.judge(
        check,
        update.id,
        after?.status === "accepted",
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
  s.expectStatus(check, again, 409, "adding an existing member");

  if (!s.config.destructive) {
    s.skip(check, "removeImageMember", "destructive steps are off");
    return;
  }
  const remove = s.contract.op("removeImageMember");
  const removed = await followLink(s, check, added, remove.id, {
    actor: "owner",
    purpose: "flow: the owner removes the member (link removeImageMember)",
  });
  if (!removed || !s.expectStatus(check, removed, remove.successStatus, "the owner removes the member")) return;
  const gone = await followLink(s, check, added, "showImageMember", {
    actor: "owner",
    purpose: "flow: the owner reads the removed member",
  });
  if (gone)
    s.judge(
      check,
      remove.id,
      gone.response?.status === 404,
      `after removal, show should answer 404; got ${gone.response?.status ?? gone.error}`,
      gone,
    );
  const relisted = await s.call("listImageMembers", {
    actor: "owner",
    params: { image_id: image },
    purpose: "flow: the owner lists the members after removal",
  });
  const rowsAfter = memberRows(s, relisted);
  s.judge(
    check,
    remove.id,
    rowsAfter !== undefined && !rowsAfter.some((r) => r.member_id === member),
    `after removal, the list should not contain ${member}; got ${describeRows(rowsAfter)}`,
    relisted,
  );

  const readded = await s.call(add.id, {
    actor: "owner",
    params: { image_id: image },
    body,
    purpose: "flow: the owner adds the removed member again",
  });
  if (s.expectStatus(check, readded, add.successStatus, "adding a removed member again")) {
    const row = s.json(readded) as { status?: unknown } | undefined;
    s.judge(
      check,
      add.id,
      row?.status === "pending",
      `a member added again should start pending; got ${JSON.stringify(row)}`,
      readded,
    );
    await followLink(s, check, readded, remove.id, {
      actor: "owner",
      purpose: "flow: the owner removes the member again",
    });
  }
}

async function batchSharing(s: Session): Promise<void> {
  const batch = s.contract.op("batchAddImageMembers");
  const images = s.config.fixtures.shareableImages.slice(0, 2);
  const projects = [s.projectOf("member"), ...s.config.fixtures.otherProjects];
  const started = await s.call(batch.id, {
    actor: "owner",
    params: {},
    body: validBody(s.contract, batch, { images, projects }),
    purpose: "flow: the owner shares images with projects in batch",
  });
  if (!s.expectStatus(check, started, batch.successStatus, "batch sharing")) return;

  const job = await waitForJob(s, started);
  if (!job) return;
  const jobId = job.jobId;
  const results = job.body.entities?.results ?? [];
  const expected = images.flatMap((image) => projects.map((project) => `${image}/${project}`));
  const reported = results.map((r) => `${String(r.image_id)}/${String(r.project_id)}`);
  const missing = expected.filter((pair) => !reported.includes(pair));
  const failed = results
    .filter((r) => r.status !== "success")
    .map((r) => `${String(r.image_id)}/${String(r.project_id)}: ${String(r.status)}`);
  s.judge(
    check,
    "showJob",
    missing.length === 0 && failed.length === 0 && results.length === expected.length,
    `job ${jobId} should report ${expected.length} successful pairs; missing ${JSON.stringify(missing)}, not successful ${JSON.stringify(failed)}, ${results.length} results`,
    job.exchange,
  );

  for (const image of images) {
    const listed = await s.call("listImageMembers", {
      actor: "owner",
      params: { image_id: image },
      purpose: "flow: the owner lists the members the batch added",
    });
    const rows = memberRows(s, listed);
    const absent = projects.filter((p) => !rows?.some((r) => r.member_id === p));
    s.judge(
      check,
      batch.id,
      rows !== undefined && absent.length === 0,
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
async function waitForJob(s: Session, started: Exchange) {
  const showJob = s.contract.op("showJob");
  const deadline = Date.now() + s.config.timeouts.jobMs;
  for (;;) {
    const polled = await followLink(s, check, started, showJob.id, {
      actor: "owner",
      extra: { project_id: s.projectOf("owner") },
      purpose: "flow: the owner polls the batch job (link showJob)",
    });
    if (!polled || !s.expectStatus(check, polled, showJob.successStatus, "polling the job")) return undefined;
    const body = (s.json(polled) ?? {}) as JobBody;
    const jobId = polled.params.job_id ?? "";
    if (body.status === "SUCCESS" || body.status === "FAIL") {
      s.unfinishedJobs.delete(jobId);
      if (
        !s.judge(
          check,
          showJob.id,
          body.status === "SUCCESS",
          `job ${jobId} ended ${String(body.status)}, not SUCCESS`,
          polled,
        )
      )
        return undefined;
      return { jobId, body, exchange: polled };
    }
    if (Date.now() >= deadline) {
      s.unfinishedJobs.delete(jobId);
      s.judge(
        check,
        showJob.id,
        false,
        `job ${jobId} is still ${String(body.status)} after ${s.config.timeouts.jobMs} ms`,
        polled,
      );
      return undefined;
    }
    await new Promise((resolve) => setTimeout(resolve, s.config.timeouts.jobPollMs));
  }
}

async function unknownJob(s: Session): Promise<void> {
  const exchange = await s.call("showJob", {
    actor: "owner",
    params: { project_id: s.projectOf("owner"), job_id: randomHex(32) },
    purpose: "flow: the owner asks for a job that does not exist",
  });
  s.expectStatus(check, exchange, 404, "a job that does not exist");
}
