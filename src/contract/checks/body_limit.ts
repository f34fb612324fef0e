// body_limit: a body far larger than any valid request gets 413 and changes nothing. Real Glance
// stored a 12 MB member id and listed it.
import { Findings } from "../findings.ts";
import { randomHex } from "../values.ts";
import { defineCheck } from "./check.ts";
import { callerOf, errorBodyProblem, mayChangeState, memberRows, offReason, primaryImage } from "./shared.ts";

export const bodyLimit = defineCheck({
  kind: "active",
  name: "body_limit",
  label: "bodylim",
  summary: "an oversized body (limits.bodyBytes) gets 413 and nothing is stored",
  async run(s) {
    const f = new Findings(this.name, s.contract);
    const image = primaryImage(s);
    const bytes = s.config.limits.bodyBytes;
    const cases: { operation: string; body: (padded: string) => unknown; padded: string }[] = [
      { operation: "addImageMember", padded: "member", body: (member) => ({ member }) },
    ];
    if (s.contract.has("batchAddImageMembers"))
      cases.push({
        operation: "batchAddImageMembers",
        padded: "projects",
        body: (project) => ({ images: [image], projects: [project] }),
      });
    if (s.contract.has("batchUpdateImageMembers"))
      cases.push({
        operation: "batchUpdateImageMembers",
        padded: "project_id",
        body: (project) => ({ images: [image], project_id: project, status: "accepted" }),
      });
    if (s.contract.has("batchRemoveImageMembers"))
      cases.push({
        operation: "batchRemoveImageMembers",
        padded: "projects",
        body: (project) => ({ images: [image], projects: [project] }),
      });
    for (const c of cases) {
      const op = s.contract.op(c.operation);
      if (!mayChangeState(s)) {
        f.skip(op.id, offReason);
        continue;
      }
      // A fresh value per case: a member an earlier run left behind (a lax server stores it and
      // cannot delete it again, the URL being too long) must not turn this case into a 409.
      const prefix = randomHex(32);
      const exchange = await s.call(op.id, {
        actor: callerOf(op.id),
        params: { image_id: image },
        body: c.body(prefix + "f".repeat(Math.max(0, bytes - prefix.length))),
        purpose: `body_limit: ${c.padded} padded to ${bytes} bytes`,
      });
      if (f.expectStatus(exchange, 413, `an oversized body (${bytes} bytes)`, "bodylim.413")) {
        const problem = errorBodyProblem(s, exchange);
        f.judge(op.id, problem === undefined, "bodylim.413-body", `the 413: ${problem}`, exchange);
      }
      const listed = await s.call("listImageMembers", {
        actor: "owner",
        params: { image_id: image },
        purpose: "body_limit: the oversized member must not be stored",
      });
      const stored = (memberRows(listed) ?? []).filter((r) => String(r.member_id).startsWith(prefix));
      f.judge(
        op.id,
        memberRows(listed) !== undefined && stored.length === 0,
        "bodylim.nothing-stored",
        `after an oversized ${op.id}, the list should hold no oversized member; ${stored.length} found`,
        listed,
      );
    }
    return f.list;
  },
});
