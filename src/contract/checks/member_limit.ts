// member_limit (opt-in): fill an image to `limits.members` (the spec's 256 by default), then the
// next add gets 413, and so does adding an existing member: the limit is checked before duplicates.
// Glance's default quota is 128. It sends about twice the limit in requests (adds, then clean-up).
import { Findings } from "../findings.ts";
import { defineCheck } from "./check.ts";
import { errorBodyProblem, freshProject, mayChangeState, memberRows, offReason } from "./shared.ts";

export const memberLimit = defineCheck({
  kind: "active",
  name: "member_limit",
  label: "limit",
  summary: "an image takes limits.members members; the next add, and a duplicate add, get 413",
  optIn: true,
  async run(s) {
    const f = new Findings(this.name, s.contract);
    if (!mayChangeState(s)) {
      f.skip("addImageMember", offReason);
      return f.list;
    }
    const limit = s.config.limits.members;
    // The last shareable image, so that a failure here disturbs the others least.
    const image = s.config.fixtures.shareableImages.at(-1) as string;
    const listed = await s.call("listImageMembers", {
      actor: "owner",
      params: { image_id: image },
      purpose: "member_limit: how many members the image has",
    });
    const rows = memberRows(listed);
    if (!rows) {
      f.inconclusive(
        "addImageMember",
        "limit.set-up",
        `the image's members could not be listed: ${listed.response?.status ?? listed.error}`,
        listed,
      );
      return f.list;
    }
    let existing = String(rows[0]?.member_id ?? "");
    for (let count = rows.length; count < limit; count++) {
      const project = freshProject(s);
      const added = await s.call("addImageMember", {
        actor: "owner",
        params: { image_id: image },
        body: { member: project },
        purpose: `member_limit: member ${count + 1} of ${limit}`,
      });
      if (added.response?.status !== 200) {
        f.judge(
          "addImageMember",
          false,
          `limit.below-limit-refused-${added.response?.status ?? "no-response"}`,
          `member ${count + 1} of ${limit} should be accepted; got ${added.response?.status ?? added.error}`,
          added,
        );
        return f.list;
      }
      existing ||= project;
    }
    f.judge("addImageMember", true, "limit.fills-to-limit", `the image took ${limit} members`);
    const over = await s.call("addImageMember", {
      actor: "owner",
      params: { image_id: image },
      body: { member: freshProject(s) },
      purpose: `member_limit: member ${limit + 1}, one over the limit`,
    });
    if (f.expectStatus(over, 413, `member ${limit + 1} of ${limit}`, "limit.over-limit-413")) {
      const problem = errorBodyProblem(s, over);
      f.judge("addImageMember", problem === undefined, "limit.413-body", `the 413: ${problem}`, over);
    }
    const duplicate = await s.call("addImageMember", {
      actor: "owner",
      params: { image_id: image },
      body: { member: existing },
      purpose: "member_limit: an existing member again, on the full image",
    });
    f.expectStatus(
      duplicate,
      413,
      "a duplicate add on a full image (the limit comes before the duplicate check)",
      "limit.413-before-409",
    );
    return f.list;
  },
});
