// Small pieces the checks share: the fixtures they act on, links followed from a response, and the
// membership set-up that several checks need.

import { evaluateExpression } from "../../spec/model.ts";
import type { CheckName } from "../checks.ts";
import type { Exchange } from "../http.ts";
import type { ActorName, Session } from "../session.ts";
import { randomHex, sampleValue } from "../values.ts";

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
}

/** The `members` array of a list response, or undefined when the body has none. */
export function memberRows(s: Session, exchange: Exchange): MemberRow[] | undefined {
  const body = s.json(exchange) as { members?: unknown } | undefined;
  return Array.isArray(body?.members) ? (body.members as MemberRow[]) : undefined;
}

export function describeRows(rows: MemberRow[] | undefined): string {
  return rows === undefined
    ? "no members array"
    : `[${rows.map((r) => `${String(r.member_id)} (${String(r.status)})`).join(", ")}]`;
}

/**
 * Calls `target` with the parameters the spec's link from `from`'s success response computes from
 * `exchange`; `extra` fills parameters the link leaves to the caller. Judges a missing link as a
 * failure of `check`.
 */
export async function followLink(
  s: Session,
  check: CheckName,
  exchange: Exchange,
  target: string,
  options: { actor: ActorName; purpose: string; body?: unknown; extra?: Record<string, string> },
): Promise<Exchange | undefined> {
  const from = s.contract.op(exchange.operation);
  const link = s.contract.link(from, target);
  if (!link) {
    s.judge(
      check,
      target,
      false,
      `the spec declares no link from ${from.id}'s ${from.successStatus} response to ${target}`,
    );
    return undefined;
  }
  const source = {
    requestPath: exchange.params,
    requestBody: parse(exchange.request.body),
    responseBody: s.json(exchange),
    responseHeaders: exchange.response?.headers ?? {},
  };
  const params: Record<string, string> = { ...options.extra };
  for (const [name, expression] of Object.entries(link.parameters)) {
    const value = evaluateExpression(expression, source);
    if (typeof value !== "string") {
      s.judge(
        check,
        from.id,
        false,
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
  if (status === 409) s.track({ image, project });
  if (status !== undefined && ((status >= 200 && status < 300) || status === 409)) return undefined;
  return `owner could not add ${project} to ${image}: ${status ?? exchange.error}`;
}
