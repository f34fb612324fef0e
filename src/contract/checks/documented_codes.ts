// documented_codes: errors carry the code the spec documents, not only a code of the right shape.
// On /v1 the suite causes each documented batch 400 (and a 401) and checks its IMS code (IMG.0027,
// IMG.0089 and IMG.0076 on otherwise valid batches are batch_rules' part); on /v2
// every error the run has received so far must have `code` equal to its status plus its title, and
// the title must be the status's reason phrase.
import { STATUS_CODES } from "node:http";
import { Findings } from "../findings.ts";
import type { Exchange } from "../http.ts";
import { jsonBody, type Session } from "../session.ts";
import { randomHex } from "../values.ts";
import { defineCheck } from "./check.ts";
import { ensureMember, freshProject, mayChangeState, offReason, primaryImage } from "./shared.ts";

/** Reason phrases webob (and so Glance) uses where they differ from Node's current ones. */
const legacyReasons: Record<number, string> = {
  413: "Request Entity Too Large",
  414: "Request-URI Too Long",
  416: "Requested Range Not Satisfiable",
};

/** The batch 400s the spec documents, each with a body that causes it. */
function batchCases(s: Session): { code: string; what: string; raw?: string; body?: unknown }[] {
  const image = primaryImage(s);
  const project = freshProject(s);
  return [
    { code: "IMG.0001", what: "malformed JSON", raw: '{"images": [' },
    { code: "IMG.0001", what: "an empty projects array", body: { images: [image], projects: [] } },
    { code: "IMG.0007", what: "no body" },
    { code: "IMG.0066", what: "a malformed image id", body: { images: ["not-an-image-id"], projects: [project] } },
    { code: "IMG.0067", what: "a malformed project id", body: { images: [image], projects: ["not-a-project-id"] } },
  ];
}

export const documentedCodes = defineCheck({
  kind: "active",
  name: "documented_codes",
  label: "codes",
  summary: "/v1 errors carry the IMS code the spec names; /v2 error codes are status + title",
  async run(s) {
    const f = new Findings(this.name, s.contract);
    if (s.contract.has("batchAddImageMembers") && !mayChangeState(s)) f.skip("batchAddImageMembers", offReason);
    else if (s.contract.has("batchAddImageMembers")) {
      // Every case is refused by a conforming server before anything is shared.
      for (const c of batchCases(s)) {
        const exchange = await s.call("batchAddImageMembers", {
          actor: "owner",
          params: {},
          ...(c.raw !== undefined ? { rawBody: c.raw } : c.body !== undefined ? { body: c.body } : {}),
          ...(c.raw === undefined && c.body === undefined ? { contentType: "application/json", rawBody: "" } : {}),
          purpose: `documented_codes: ${c.what}`,
        });
        judgeImsCode(f, exchange, 400, c.code, c.what);
      }
      const anonymous = await s.call("batchAddImageMembers", {
        actor: "anonymous",
        params: {},
        body: { images: [primaryImage(s)], projects: [freshProject(s)] },
        purpose: "documented_codes: no credentials",
      });
      judgeImsCode(f, anonymous, 401, "APIG.0301", "no credentials");
      // Sharing someone else's image: the member can see it (IMG.0047), the stranger cannot (IMG.0027).
      const image = primaryImage(s);
      const problem = await ensureMember(s, image, s.projectOf("member"), "documented_codes: set-up");
      if (problem) f.inconclusive("batchAddImageMembers", "codes.set-up", `set-up failed: ${problem}`);
      else
        for (const [actor, code] of [
          ["member", "IMG.0047"],
          ["stranger", "IMG.0027"],
        ] as const) {
          const exchange = await s.call("batchAddImageMembers", {
            actor,
            params: {},
            body: { images: [image], projects: [freshProject(s)] },
            purpose: `documented_codes: the ${actor} batch-shares the owner's image`,
          });
          judgeImsCode(f, exchange, 400, code, `the ${actor} batch-shares the owner's image`);
        }
    }
    // Two /v2 errors of its own, so that the check judges some when it runs alone.
    const image = primaryImage(s);
    await s.call("showImageMember", {
      actor: "owner",
      params: { image_id: image, member_id: randomHex(32) },
      purpose: "documented_codes: an unknown member",
    });
    await s.call("listImageMembers", {
      actor: "anonymous",
      params: { image_id: image },
      purpose: "documented_codes: no credentials",
    });
    // Every /v2 error so far, whichever check caused it.
    for (const exchange of s.exchanges) {
      const status = exchange.response?.status ?? 0;
      if (status < 400 || !s.contract.op(exchange.operation).path.startsWith("/v2/")) continue;
      const body = jsonBody(exchange) as { code?: unknown; title?: unknown } | undefined;
      if (body === undefined) continue; // not JSON: error_media and the response checks say so
      const reasons = [STATUS_CODES[status], legacyReasons[status]].filter(Boolean);
      const ok = reasons.includes(String(body.title)) && body.code === `${status} ${String(body.title)}`;
      f.judge(
        exchange.operation,
        ok,
        `codes.v2-${status}`,
        `a ${status} should have code "${status} ${reasons.join(`" or "${status} `)}" and the matching title; got code ${JSON.stringify(body.code)}, title ${JSON.stringify(body.title)}`,
        exchange,
      );
    }
    return f.list;
  },
});

function judgeImsCode(f: Findings, exchange: Exchange, status: number, code: string, what: string): void {
  const got = (jsonBody(exchange) as { error?: { code?: unknown } } | undefined)?.error?.code;
  f.judge(
    exchange.operation,
    exchange.response?.status === status && got === code,
    `codes.${code}`,
    `${what}: expected ${status} with ${code}, got ${exchange.response?.status ?? exchange.error} with ${JSON.stringify(got)}`,
    exchange,
  );
}
