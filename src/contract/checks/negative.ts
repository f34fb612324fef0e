// negative_data_rejection: requests that break the request schema (generated from it: wrong types,
// missing required properties, extra properties, out-of-range arrays, bad ids, malformed JSON,
// wrong media type) get a 4xx the operation declares, never a 2xx or a 5xx. Each request targets
// real resources as the caller the contract allows, so only the broken part can explain a refusal,
// and each carries fresh project ids, so a wrongly accepted request cannot hide behind a 409.
import type { SpecOperation } from "../../spec/model.ts";
import type { Session } from "../session.ts";
import { type BodyCase, negativeBodies, negativeParams, validBody } from "../values.ts";
import { callerOf, ensureMember, primaryImage } from "./shared.ts";

export async function negativeDataRejection(s: Session): Promise<void> {
  const image = primaryImage(s);
  const member = s.projectOf("member");
  let setupProblem: string | undefined;
  if (s.contract.has("updateImageMember"))
    setupProblem = await ensureMember(s, image, member, "negative_data_rejection: set-up");

  for (const op of s.contract.operations) {
    if (op.id === "updateImageMember" && setupProblem) {
      s.skip("negative_data_rejection", op.id, `set-up failed: ${setupProblem}`);
      continue;
    }
    if (op.method === "DELETE" && !s.config.destructive) {
      s.skip("negative_data_rejection", op.id, "destructive steps are off");
      continue;
    }
    const params: Record<string, string> = {};
    for (const p of op.pathParams) {
      params[p.name] =
        ({ image_id: image, member_id: member, project_id: s.projectOf("owner") } as Record<string, string>)[p.name] ??
        "";
    }
    // A job id of the right form that names no job: only its broken variants are of interest.
    if ("job_id" in params) params.job_id = "0".repeat(32);

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
      s.skip("negative_data_rejection", op.id, "the operation takes no parameters and no body");
      continue;
    }
    for (let i = 0; i < bodyCount; i++) {
      // Rebuilt for every case so that each request carries fresh random ids.
      const bodyCase = negativeBodies(s.contract, op, bodyBase() ?? {})[i] as BodyCase;
      if (!skipped(s, op, bodyCase)) await send(s, op, params, bodyCase);
    }
    for (const paramCase of paramCases) {
      if (skipped(s, op, paramCase)) continue;
      const body = bodyBase();
      const { description, rules } = paramCase;
      await send(
        s,
        op,
        { ...params, [paramCase.name]: paramCase.value },
        body === undefined ? { description, rules, omitBody: true } : { description, rules, body },
      );
    }
  }
}

/** Whether the config's `negative.skip` leaves the case out; notes it for the report if so. */
function skipped(s: Session, op: SpecOperation, negativeCase: { description: string; rules: string[] }): boolean {
  const skip = s.config.negative.skip;
  const rule = negativeCase.rules.find((r) => skip.includes(r) || skip.includes(`${op.id}.${r}`));
  if (rule !== undefined)
    s.notes.push(`negative case not sent (negative.skip: ${rule}): ${op.id}: ${negativeCase.description}`);
  return rule !== undefined;
}

async function send(s: Session, op: SpecOperation, params: Record<string, string>, bodyCase: BodyCase): Promise<void> {
  const options: Parameters<Session["call"]>[1] = {
    actor: callerOf(op.id),
    params,
    purpose: `negative_data_rejection: ${bodyCase.description}`,
  };
  if (bodyCase.rawBody !== undefined) options.rawBody = bodyCase.rawBody;
  else if (!bodyCase.omitBody) options.body = bodyCase.body;
  if (bodyCase.contentType !== undefined) options.contentType = bodyCase.contentType;
  const exchange = await s.call(op.id, options);
  const status = exchange.response?.status;
  const declared4xx = [...op.responses.keys()].filter((code) => /^4/.test(code));
  const ok = status !== undefined && status >= 400 && status < 500 && s.contract.declares(op, status);
  s.judge(
    "negative_data_rejection",
    op.id,
    ok,
    `${bodyCase.description}: expected a declared 4xx (${declared4xx.join(", ")}), got ${status ?? `no response (${exchange.error})`}`,
    exchange,
  );
}
