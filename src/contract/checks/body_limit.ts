// body_limit: a body far larger than any valid request gets 413 and changes nothing. Real Glance
// stored a 12 MB member id and listed it.
import { Findings } from "../findings.ts";
import { defineCheck } from "./check.ts";
import { errorBodyProblem, mayChangeState, memberRows, offReason, primaryImage } from "./shared.ts";

export const bodyLimit = defineCheck({
  kind: "active",
  name: "body_limit",
  label: "bodylim",
  summary: "an oversized body (limits.bodyBytes) gets 413 and nothing is stored",
  async run(s) {
    const f = new Findings(this.name, s.contract);
    const image = primaryImage(s);
    const bytes = s.config.limits.bodyBytes;
    const cases: { operation: string; body: () => unknown; padded: string }[] = [
      { operation: "addImageMember", padded: "member", body: () => ({ member: pad(bytes) }) },
    ];
    if (s.contract.has("batchAddImageMembers"))
      cases.push({
        operation: "batchAddImageMembers",
        padded: "projects",
        body: () => ({ images: [image], projects: [pad(bytes)] }),
      });
    for (const c of cases) {
      const op = s.contract.op(c.operation);
      if (!mayChangeState(s)) {
        f.skip(op.id, offReason);
        continue;
      }
      const exchange = await s.call(op.id, {
        actor: "owner",
        params: { image_id: image },
        body: c.body(),
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
      const stored = (memberRows(listed) ?? []).filter((r) => String(r.member_id).length > 1000);
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

/** A string of `bytes` characters (ASCII, so as many bytes). */
function pad(bytes: number): string {
  return "f".repeat(bytes);
}
