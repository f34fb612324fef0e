// documented_codes: errors carry the code the spec documents, not only a code of the right shape.
// On /v1 the suite causes each documented 400 of each batch call (share, answer, removal) and a 401
// and checks its IMS code (the rules behind IMG.0027, IMG.0089, IMG.0076 and IMG.0161 in otherwise
// valid batches are batch_rules' part); on /v2
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

interface CodeCase {
  code: string;
  what: string;
  actor: "owner" | "member" | "stranger";
  raw?: string;
  body?: unknown;
}

/**
 * The batch 400s the spec documents for one batch operation, each with a body that causes it. The
 * answer is sent by the member for its own project; sharing and removal by the owner.
 */
function validBatch(s: Session, operation: string): Record<string, unknown> {
  const images = [primaryImage(s)];
  return operation === "batchUpdateImageMembers"
    ? { images, project_id: s.projectOf("member"), status: "accepted" }
    : { images, projects: [freshProject(s)] };
}

function batchCases(s: Session, operation: string): CodeCase[] {
  const answer = operation === "batchUpdateImageMembers";
  const actor = answer ? "member" : "owner";
  const valid = validBatch(s, operation);
  const cases: CodeCase[] = [
    { code: "IMG.0001", what: "malformed JSON", actor, raw: '{"images": [' },
    { code: "IMG.0001", what: "an empty images array", actor, body: { ...valid, images: [] } },
    { code: "IMG.0007", what: "no body", actor },
    { code: "IMG.0066", what: "a malformed image id", actor, body: { ...valid, images: ["not-an-image-id"] } },
    answer
      ? { code: "IMG.0067", what: "a malformed project id", actor, body: { ...valid, project_id: "not-a-project-id" } }
      : { code: "IMG.0067", what: "a malformed project id", actor, body: { ...valid, projects: ["not-a-project-id"] } },
  ];
  if (answer) {
    cases.push({
      code: "IMG.0076",
      what: "the owner answers for its own image",
      actor: "owner",
      body: { ...valid, project_id: s.projectOf("owner") },
    });
  } else {
    // Acting on someone else's image: the member can see it (IMG.0047), the stranger cannot (IMG.0027).
    cases.push({ code: "IMG.0047", what: "the member acts on the owner's image", actor: "member", body: valid });
    cases.push({ code: "IMG.0027", what: "the stranger acts on the owner's image", actor: "stranger", body: valid });
    const publicImage = s.config.fixtures.publicImage;
    if (operation === "batchRemoveImageMembers" && publicImage)
      cases.push({ code: "IMG.0089", what: "a public image", actor, body: { ...valid, images: [publicImage] } });
  }
  return cases;
}

const batchOperations = ["batchAddImageMembers", "batchUpdateImageMembers", "batchRemoveImageMembers"];

export const documentedCodes = defineCheck({
  kind: "active",
  name: "documented_codes",
  label: "codes",
  summary: "/v1 errors carry the IMS code the spec names; /v2 error codes are status + title",
  async run(s) {
    const f = new Findings(this.name, s.contract);
    for (const operation of batchOperations.filter((o) => s.contract.has(o))) {
      if (!mayChangeState(s)) {
        f.skip(operation, offReason);
        continue;
      }
      // Every case is refused by a conforming server before anything changes; the member is on the
      // image so that the answer's other faults, and the member's IMG.0047, are the only ones.
      const problem = await ensureMember(s, primaryImage(s), s.projectOf("member"), "documented_codes: set-up");
      if (problem) {
        f.inconclusive(operation, "codes.set-up", `set-up failed: ${problem}`);
        continue;
      }
      for (const c of batchCases(s, operation)) {
        const exchange = await s.call(operation, {
          actor: c.actor,
          params: {},
          ...(c.raw !== undefined ? { rawBody: c.raw } : c.body !== undefined ? { body: c.body } : {}),
          ...(c.raw === undefined && c.body === undefined ? { contentType: "application/json", rawBody: "" } : {}),
          purpose: `documented_codes: ${c.what}`,
        });
        judgeImsCode(f, exchange, 400, c.code, c.what);
      }
      const anonymous = await s.call(operation, {
        actor: "anonymous",
        params: {},
        body: validBatch(s, operation),
        purpose: "documented_codes: no credentials",
      });
      judgeImsCode(f, anonymous, 401, "APIG.0301", "no credentials");
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
