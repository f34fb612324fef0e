// authorisation: who may do what to a shared image. With the member and one other project on the
// image, the stranger cannot read or change anything (404 on /v2), the member sees only its own
// row and cannot add or remove members (403), the owner cannot set a member's status (403), a
// public image takes no members (403), and on /v1 only the owner can batch-share its images and
// read its jobs.
import { Findings } from "../findings.ts";
import type { Session } from "../session.ts";
import { validBody } from "../values.ts";
import { defineCheck } from "./check.ts";
import {
  describeRows,
  ensureMember,
  freshProject,
  mayChangeState,
  memberRows,
  offReason,
  otherProject,
  primaryImage,
  startedJobs,
} from "./shared.ts";

export const authorisation = defineCheck({
  kind: "active",
  name: "authorisation",
  label: "authz",
  summary: "stranger 404, member cannot add/remove (403), owner cannot set a status (403)",
  async run(s) {
    const f = new Findings(this.name, s.contract);
    if (mayChangeState(s)) await rules(s, f);
    else for (const op of s.contract.operations) f.skip(op.id, offReason);
    return f.list;
  },
});

async function rules(s: Session, f: Findings): Promise<void> {
  const image = primaryImage(s);
  const member = s.projectOf("member");
  const other = otherProject(s);
  const setupProblem =
    (await ensureMember(s, image, member, "authorisation: set-up")) ??
    (await ensureMember(s, image, other, "authorisation: set-up"));
  if (setupProblem) {
    for (const op of s.contract.operations) f.inconclusive(op.id, "authz.set-up", `set-up failed: ${setupProblem}`);
    return;
  }
  const update = s.contract.op("updateImageMember");
  const accept = validBody(s.contract, update, { status: "accepted" });
  const addBody = () => validBody(s.contract, s.contract.op("addImageMember"), { member: freshProject(s) });
  const onImage = { image_id: image };

  // The stranger: every /v2 route answers 404, as if the image did not exist.
  await expect(s, f, "listImageMembers", "stranger", onImage, undefined, 404, "the stranger lists the members");
  await expect(
    s,
    f,
    "showImageMember",
    "stranger",
    { ...onImage, member_id: member },
    undefined,
    404,
    "the stranger reads a membership",
  );
  await expect(s, f, "addImageMember", "stranger", onImage, addBody(), 404, "the stranger adds a member");
  await expect(
    s,
    f,
    "updateImageMember",
    "stranger",
    { ...onImage, member_id: member },
    accept,
    404,
    "the stranger sets a member's status",
  );

  // The member: its own row only, no other membership, no adding.
  const listed = await s.call("listImageMembers", {
    actor: "member",
    params: onImage,
    purpose: "authorisation: the member lists the members",
  });
  if (f.expectStatus(listed, 200, "the member lists the members")) {
    const rows = memberRows(listed);
    f.judge(
      "listImageMembers",
      rows !== undefined && rows.length === 1 && rows[0]?.member_id === member,
      "authz.member-sees-only-own-row",
      `the member should see only its own row (${member}); got ${describeRows(rows)}`,
      listed,
    );
  }
  await expect(
    s,
    f,
    "showImageMember",
    "member",
    { ...onImage, member_id: other },
    undefined,
    404,
    "the member reads another project's membership",
  );
  await expect(s, f, "addImageMember", "member", onImage, addBody(), 403, "the member adds a member");
  await expect(
    s,
    f,
    "updateImageMember",
    "member",
    { ...onImage, member_id: other },
    accept,
    404,
    "the member sets another project's status",
  );

  // The owner may not answer in the member's place.
  await expect(
    s,
    f,
    "updateImageMember",
    "owner",
    { ...onImage, member_id: member },
    accept,
    403,
    "the owner sets the member's status",
  );

  const publicImage = s.config.fixtures.publicImage;
  if (publicImage) {
    await expect(
      s,
      f,
      "addImageMember",
      "owner",
      { image_id: publicImage },
      addBody(),
      403,
      "the owner adds a member to a public image",
    );
    await expect(
      s,
      f,
      "listImageMembers",
      "owner",
      { image_id: publicImage },
      undefined,
      403,
      "the owner lists the members of a public image",
    );
  }

  if (s.contract.has("batchAddImageMembers")) {
    const batch = s.contract.op("batchAddImageMembers");
    const body = () => validBody(s.contract, batch, { images: [image], projects: [freshProject(s)] });
    await expect(s, f, batch.id, "member", {}, body(), 400, "the member batch-shares the owner's image");
    await expect(s, f, batch.id, "stranger", {}, body(), 400, "the stranger batch-shares the owner's image");
  }
  if (s.contract.has("showJob")) {
    const job = startedJobs(s).at(-1);
    if (job === undefined) {
      f.skip("showJob", "no batch job was started, so there is no job to ask about");
    } else {
      await expect(
        s,
        f,
        "showJob",
        "stranger",
        { project_id: s.projectOf("owner"), job_id: job },
        undefined,
        403,
        "the stranger asks for the owner's job under the owner's project",
      );
      await expect(
        s,
        f,
        "showJob",
        "stranger",
        { project_id: s.projectOf("stranger"), job_id: job },
        undefined,
        404,
        "the stranger asks for the owner's job under its own project",
      );
    }
  }

  // Last, since a server that wrongly obeys would remove the membership the steps above rely on.
  await expect(
    s,
    f,
    "removeImageMember",
    "stranger",
    { ...onImage, member_id: member },
    undefined,
    404,
    "the stranger removes a member",
  );
  await expect(
    s,
    f,
    "removeImageMember",
    "member",
    { ...onImage, member_id: member },
    undefined,
    403,
    "the member removes its own membership",
  );
}

async function expect(
  s: Session,
  f: Findings,
  operationId: string,
  actor: "owner" | "member" | "stranger",
  params: Record<string, string>,
  body: unknown,
  status: number,
  what: string,
): Promise<void> {
  const exchange = await s.call(operationId, { actor, params, body, purpose: `authorisation: ${what}` });
  f.expectStatus(exchange, status, what);
}
