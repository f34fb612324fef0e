// negative_data_rejection: requests that break the request schema (generated from it: wrong types,
// missing required properties, extra properties, out-of-range arrays, bad ids, malformed JSON,
// wrong media type) get exactly the status the spec gives that kind of fault: 415 for the media
// type, 400 for the rest. Each request targets real resources as the caller the contract allows,
// after a positive control has shown that the valid request succeeds there, so only the broken part
// can explain a refusal; each carries fresh project ids, so a leftover cannot turn it into a 409.
import type { SpecOperation } from "../../spec/model.ts";
import { Findings } from "../findings.ts";
import type { Exchange } from "../http.ts";
import type { Session } from "../session.ts";
import { type BodyCase, negativeBodies, negativeParams, validBody } from "../values.ts";
import { defineCheck } from "./check.ts";
import {
  callerOf,
  ensureMember,
  freshProject,
  mayChangeState,
  offReason,
  primaryImage,
  startedJobs,
} from "./shared.ts";

/**
 * The status the spec gives each kind of fault: a body in the wrong media type is 415, anything
 * else that breaks the request (syntax, schema, format, a malformed path parameter) is 400. Nothing
 * else counts, a 409 least of all: it says the request was understood.
 */
function expectedStatus(negativeCase: { rules: string[] }): number {
  return negativeCase.rules.includes("media-type") ? 415 : 400;
}

export const negativeDataRejection = defineCheck({
  kind: "active",
  name: "negative_data_rejection",
  label: "negative",
  summary: "requests that break the request schema get 400 (415 for a wrong media type), after a positive control",
  async run(s) {
    const f = new Findings(this.name, s.contract);
    await sendAll(s, f);
    return f.list;
  },
});

async function sendAll(s: Session, f: Findings): Promise<void> {
  const image = primaryImage(s);
  const member = s.projectOf("member");
  for (const op of s.contract.operations) {
    // Reading a membership or a job needs one to exist, which takes a request that changes state.
    if (!mayChangeState(s) && (op.method !== "GET" || op.pathParams.length > 1)) {
      f.skip(op.id, offReason);
      continue;
    }
    const params: Record<string, string> = {};
    for (const p of op.pathParams) {
      params[p.name] =
        ({ image_id: image, member_id: member, project_id: s.projectOf("owner") } as Record<string, string>)[p.name] ??
        "";
    }
    const bodyBase = () =>
      op.body
        ? (validBody(s.contract, op, op.id === "batchAddImageMembers" ? { images: [image] } : {}) as Record<
            string,
            unknown
          >)
        : undefined;
    const bodyCount = op.body ? negativeBodies(s.contract, op, bodyBase() ?? {}).length : 0;
    const paramCases = negativeParams(s.contract, op, params);
    if (bodyCount + paramCases.length === 0) {
      f.skip(op.id, "the operation takes no parameters and no body");
      continue;
    }
    const problem = await positiveControl(s, op, params, bodyBase());
    if (problem) {
      f.inconclusive(
        op.id,
        "negative.positive-control",
        `the valid request did not succeed, so a refusal proves nothing: ${problem.reason}`,
        problem.exchange,
      );
      continue;
    }
    for (let i = 0; i < bodyCount; i++) {
      // Rebuilt for every case so that each request carries fresh random ids.
      const bodyCase = negativeBodies(s.contract, op, bodyBase() ?? {})[i] as BodyCase;
      if (!skipped(s, f, op, bodyCase)) await send(s, f, op, params, bodyCase);
    }
    for (const paramCase of paramCases) {
      if (skipped(s, f, op, paramCase)) continue;
      const body = bodyBase();
      const { description, id, rules } = paramCase;
      await send(
        s,
        f,
        op,
        { ...params, [paramCase.name]: paramCase.value },
        body === undefined ? { description, id, rules, omitBody: true } : { description, id, rules, body },
      );
    }
  }
}

/**
 * Sends the valid form of the operation's request (fresh values) and returns why it failed, if it
 * did. It also makes the state the negative cases rely on: the member exists for show, update and
 * remove (remove's control removes a fresh member added for it), a job exists for showJob.
 */
async function positiveControl(
  s: Session,
  op: SpecOperation,
  params: Record<string, string>,
  body: Record<string, unknown> | undefined,
): Promise<{ reason: string; exchange?: Exchange } | undefined> {
  const purpose = `negative_data_rejection: positive control for ${op.id}`;
  let target = params;
  if ("member_id" in params && params.image_id) {
    const problem = await ensureMember(s, params.image_id, params.member_id ?? "", `${purpose} (set-up)`);
    if (problem) return { reason: problem };
    if (op.method === "DELETE") {
      target = { ...params, member_id: freshProject(s) };
      const problem = await ensureMember(s, params.image_id, target.member_id ?? "", `${purpose} (set-up)`);
      if (problem) return { reason: problem };
    }
  }
  if ("job_id" in params) {
    const job = startedJobs(s).at(-1);
    if (job === undefined) return { reason: "no batch job was started, so there is no job to ask about" };
    params.job_id = job;
  }
  const exchange = await s.call(op.id, { actor: callerOf(op.id), params: target, body, purpose });
  const status = exchange.response?.status;
  if (status !== undefined && status >= 200 && status < 300) return undefined;
  return { reason: `${op.method} answered ${status ?? exchange.error}`, exchange };
}

/** Whether the config's `negative.skip` leaves the case out; notes it for the report if so. */
function skipped(
  s: Session,
  f: Findings,
  op: SpecOperation,
  negativeCase: { description: string; rules: string[] },
): boolean {
  const skip = s.config.negative.skip;
  const rule = negativeCase.rules.find((r) => skip.includes(r) || skip.includes(`${op.id}.${r}`));
  if (rule !== undefined)
    f.note(op.id, `negative case not sent (negative.skip: ${rule}): ${op.id}: ${negativeCase.description}`);
  return rule !== undefined;
}

async function send(
  s: Session,
  f: Findings,
  op: SpecOperation,
  params: Record<string, string>,
  bodyCase: BodyCase,
): Promise<void> {
  const options: Parameters<Session["call"]>[1] = {
    actor: callerOf(op.id),
    params,
    purpose: `negative_data_rejection: ${bodyCase.description}`,
  };
  if (bodyCase.rawBody !== undefined) options.rawBody = bodyCase.rawBody;
  else if (!bodyCase.omitBody) options.body = bodyCase.body;
  if (bodyCase.contentType !== undefined) options.contentType = bodyCase.contentType;
  const exchange = await s.call(op.id, options);
  f.expectStatus(exchange, expectedStatus(bodyCase), bodyCase.description, `negative.${bodyCase.id}`);
}
