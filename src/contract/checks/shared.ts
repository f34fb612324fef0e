// Small pieces the active checks share: the fixtures they act on, links followed from a response,
// and the membership set-up that several checks need.
import { evaluateExpression } from "../../spec/model.ts";
import type { Findings } from "../findings.ts";
import type { Exchange } from "../http.ts";
import { type ActorName, jsonBody, type Session } from "../session.ts";
import { randomHex, sampleValue } from "../values.ts";

/** Whether the run may send requests that change the server's state (`destructive`). */
export function mayChangeState(s: Session): boolean {
  return s.config.destructive;
}

export const offReason = "destructive steps are off: judging this needs requests that change the server's state";

export function primaryImage(s: Session): string {
  return s.config.fixtures.shareableImages[0] as string;
}

export function otherProject(s: Session): string {
  return s.config.fixtures.otherProjects[0] as string;
}

/** A project id nobody uses, valid for the member schema; adding it by mistake harms no one. */
export function freshProject(s: Session): string {
  const op = s.contract.op("addImageMember");
  return op.body
    ? String(sampleValue(s.contract, `${s.contract.schemaAt(op.body.schema).pointer}/properties/member`))
    : randomHex(32);
}

/** Who may call the operation under the contract: the member sets its own status, the owner does the rest. */
export function callerOf(operationId: string): "owner" | "member" {
  return operationId === "updateImageMember" ? "member" : "owner";
}

export interface MemberRow {
  member_id?: unknown;
  image_id?: unknown;
  status?: unknown;
  created_at?: unknown;
  updated_at?: unknown;
}

/** The `members` array of a list response, or undefined when the body has none. */
export function memberRows(exchange: Exchange): MemberRow[] | undefined {
  const body = jsonBody(exchange) as { members?: unknown } | undefined;
  return Array.isArray(body?.members) ? (body.members as MemberRow[]) : undefined;
}

export function describeRows(rows: MemberRow[] | undefined): string {
  return rows === undefined
    ? "no members array"
    : `[${rows.map((r) => `${String(r.member_id)} (${String(r.status)})`).join(", ")}]`;
}

/** Job ids that the run's successful calls to `batchAddImageMembers` returned, oldest first. */
export function startedJobs(s: Session): string[] {
  return s.exchanges
    .filter((e) => e.operation === "batchAddImageMembers" && e.response && e.response.status < 300)
    .map((e) => (jsonBody(e) as { job_id?: unknown } | undefined)?.job_id)
    .filter((id): id is string => typeof id === "string");
}

/**
 * Calls `target` with the parameters the spec's link from `from`'s success response computes from
 * `exchange`; `extra` fills parameters the link leaves to the caller. Judges a missing link as a
 * failure.
 */
export async function followLink(
  s: Session,
  f: Findings,
  exchange: Exchange,
  target: string,
  options: { actor: ActorName; purpose: string; body?: unknown; extra?: Record<string, string> },
): Promise<Exchange | undefined> {
  const from = s.contract.op(exchange.operation);
  const link = s.contract.link(from, target);
  if (!link) {
    f.judge(
      target,
      false,
      `link.${from.id}-${target}:missing`,
      `the spec declares no link from ${from.id}'s ${from.successStatus} response to ${target}`,
    );
    return undefined;
  }
  const source = {
    requestPath: exchange.params,
    requestBody: parse(exchange.request.body),
    responseBody: jsonBody(exchange),
    responseHeaders: exchange.response?.headers ?? {},
  };
  const params: Record<string, string> = { ...options.extra };
  for (const [name, expression] of Object.entries(link.parameters)) {
    const value = evaluateExpression(expression, source);
    if (typeof value !== "string") {
      f.judge(
        from.id,
        false,
        `link.${link.name}:not-a-string`,
        `link ${link.name}: ${expression} gives ${JSON.stringify(value)}, not a string`,
        exchange,
      );
      return undefined;
    }
    params[name] = value;
  }
  return s.call(target, { actor: options.actor, params, body: options.body, purpose: options.purpose });
}

function parse(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Makes `project` a member of `image` (added by the owner; "already a member" is fine). Returns
 * why that failed, or undefined on success.
 */
export async function ensureMember(
  s: Session,
  image: string,
  project: string,
  purpose: string,
): Promise<string | undefined> {
  const exchange = await s.call("addImageMember", {
    actor: "owner",
    params: { image_id: image },
    body: { member: project },
    purpose,
  });
  const status = exchange.response?.status;
  if (status !== undefined && ((status >= 200 && status < 300) || status === 409)) return undefined;
  return `owner could not add ${project} to ${image}: ${status ?? exchange.error}`;
}

/**
 * Why an error response is not what the spec declares for its status: not JSON, or a body that
 * breaks the declared schema. Undefined when it conforms.
 */
export function errorBodyProblem(s: Session, exchange: Exchange): string | undefined {
  const response = exchange.response;
  if (!response) return `no response (${exchange.error})`;
  const declared = s.contract.response(s.contract.op(exchange.operation), response.status);
  const schema = declared ? [...declared.content.values()][0] : undefined;
  if (!schema) return `${response.status} is not declared with a body`;
  const type = response.headers["content-type"] ?? "none";
  const value = jsonBody(exchange);
  if (value === undefined) return `${response.status} came as ${type}, not JSON: ${response.body.slice(0, 80)}`;
  const errors = s.contract.errors(schema, value);
  return errors.length > 0
    ? `${response.status} body breaks the declared schema: ${errors.map((e) => `${e.instancePath} ${e.message}`).join("; ")}`
    : undefined;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
