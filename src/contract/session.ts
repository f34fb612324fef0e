// One run against one server: sends requests as the configured actors, records every exchange,
// judges each response with the response checks, collects the findings of the other checks, and
// remembers which members it added so that it can remove them again.
import { formatErrors } from "../spec/ajv.ts";
import type { SpecOperation } from "../spec/model.ts";
import type { CheckName } from "./checks.ts";
import type { ContractConfig } from "./config.ts";
import type { Contract } from "./contract.ts";
import { type Exchange, HttpClient, isJsonMediaType, mediaType, type RecordedRequest } from "./http.ts";

export type ActorName = "owner" | "member" | "stranger" | "anonymous" | "bogus";

export interface Finding {
  check: CheckName;
  operation: string;
  ok: boolean;
  reason: string;
  exchange?: Exchange;
}

export interface Skip {
  check: CheckName;
  operation: string;
  reason: string;
}

export interface CallOptions {
  actor: ActorName;
  params: Record<string, string>;
  /** Serialised as JSON. */
  body?: unknown;
  /** Sent exactly as given (takes precedence over `body`). */
  rawBody?: string;
  /** Defaults to `application/json` whenever a body is sent. */
  contentType?: string;
  purpose: string;
}

export interface Pair {
  image: string;
  project: string;
}

export class Session {
  readonly exchanges: Exchange[] = [];
  readonly findings: Finding[] = [];
  readonly skips: Skip[] = [];
  /** Things the report should mention that are neither passes nor failures. */
  readonly notes: string[] = [];
  /** Memberships this run created (or may have created) and has not removed yet. */
  readonly added = new Map<string, Pair>();
  /** Jobs the run started whose end it has not seen. */
  readonly unfinishedJobs = new Set<string>();
  /** Members each fixture image had when the run started (after removing earlier runs' leftovers). */
  readonly baseline = new Map<string, Set<string>>();
  /** Jobs the run started, newest last. */
  readonly jobs: string[] = [];
  private readonly http: HttpClient;

  constructor(
    readonly config: ContractConfig,
    readonly contract: Contract,
  ) {
    this.http = new HttpClient(config.timeouts.requestMs);
  }

  selected(check: CheckName): boolean {
    return this.config.checks.includes(check);
  }

  judge(check: CheckName, operation: string, ok: boolean, reason: string, exchange?: Exchange): boolean {
    if (this.selected(check))
      this.findings.push(exchange ? { check, operation, ok, reason, exchange } : { check, operation, ok, reason });
    return ok;
  }

  skip(check: CheckName, operation: string, reason: string): void {
    if (this.selected(check)) this.skips.push({ check, operation, reason });
  }

  /** Judges that the response has one of the `expected` statuses, each of which the spec must declare. */
  expectStatus(check: CheckName, exchange: Exchange, expected: number | number[], what: string): boolean {
    const statuses = Array.isArray(expected) ? expected : [expected];
    const op = this.contract.op(exchange.operation);
    const undeclared = statuses.filter((s) => !this.contract.declares(op, s));
    if (undeclared.length > 0) {
      return this.judge(
        check,
        op.id,
        false,
        `${what}: the suite expects ${undeclared.join("/")}, which the spec does not declare for ${op.id}`,
        exchange,
      );
    }
    const got = exchange.response?.status;
    const ok = got !== undefined && statuses.includes(got);
    return this.judge(
      check,
      op.id,
      ok,
      `${what}: expected ${statuses.join(" or ")}, got ${got ?? `no response (${exchange.error})`}`,
      exchange,
    );
  }

  headersFor(actor: ActorName): Record<string, string> {
    const { actors } = this.config;
    if (actor === "anonymous") return {};
    if (actor === "bogus") return actors.bogus.headers;
    return actors[actor].headers;
  }

  projectOf(actor: "owner" | "member" | "stranger"): string {
    return this.config.actors[actor].project;
  }

  async call(operationId: string, options: CallOptions): Promise<Exchange> {
    const op = this.contract.op(operationId);
    if (op.method === "DELETE" && !this.config.destructive)
      throw new Error(`${operationId}: no DELETE may be sent while destructive steps are off`);
    const request: RecordedRequest = {
      method: op.method,
      url:
        this.config.baseUrl +
        op.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(options.params[name] ?? `{${name}}`)),
      headers: {
        Accept: "application/json",
        "User-Agent": "ims-contract/0.1",
        ...this.config.headers,
        ...this.headersFor(options.actor),
      },
    };
    const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    if (body !== undefined) {
      request.body = body;
      request.headers["Content-Type"] = options.contentType ?? "application/json";
    }
    const { response, error } = await this.http.send(request);
    const exchange: Exchange = {
      id: this.exchanges.length + 1,
      operation: op.id,
      purpose: options.purpose,
      actor: options.actor,
      params: options.params,
      request,
    };
    if (response) exchange.response = response;
    if (error !== undefined) exchange.error = error;
    this.exchanges.push(exchange);
    this.noteSideEffects(op, options, exchange);
    judgeResponse(this, op, exchange);
    return exchange;
  }

  /** The response body parsed as JSON, or undefined. */
  json(exchange: Exchange): unknown {
    const body = exchange.response?.body;
    if (!body || !isJsonMediaType(exchange.response?.headers["content-type"])) return undefined;
    try {
      return JSON.parse(body) as unknown;
    } catch {
      return undefined;
    }
  }

  private noteSideEffects(op: SpecOperation, options: CallOptions, exchange: Exchange): void {
    const status = exchange.response?.status ?? 0;
    if (status < 200 || status > 299) return;
    const body = requestJson(options);
    if (op.id === "addImageMember" && options.params.image_id && typeof body?.member === "string") {
      this.track({ image: options.params.image_id, project: body.member });
    } else if (op.id === "batchAddImageMembers" && Array.isArray(body?.images) && Array.isArray(body.projects)) {
      for (const image of body.images)
        for (const project of body.projects)
          if (typeof image === "string" && typeof project === "string") this.track({ image, project });
      const jobId = (this.json(exchange) as { job_id?: unknown } | undefined)?.job_id;
      if (typeof jobId === "string") {
        this.jobs.push(jobId);
        this.unfinishedJobs.add(jobId);
      }
    } else if (op.id === "removeImageMember" && options.params.image_id && options.params.member_id) {
      this.added.delete(pairKey({ image: options.params.image_id, project: options.params.member_id }));
    }
  }

  track(pair: Pair): void {
    this.added.set(pairKey(pair), pair);
  }

  close(): void {
    this.http.close();
  }
}

export function pairKey(pair: Pair): string {
  return `${pair.image}/${pair.project}`;
}

function requestJson(options: CallOptions): Record<string, unknown> | undefined {
  let value: unknown = options.body;
  if (options.rawBody !== undefined) {
    try {
      value = JSON.parse(options.rawBody);
    } catch {
      return undefined;
    }
  }
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** The response checks: run on every exchange, whichever check sent it. */
function judgeResponse(s: Session, op: SpecOperation, exchange: Exchange): void {
  const response = exchange.response;
  if (!response) {
    s.judge("not_a_server_error", op.id, false, `no response: ${exchange.error}`, exchange);
    return;
  }
  const { status, headers, body } = response;
  s.judge("not_a_server_error", op.id, status < 500, `server error ${status} ${response.statusText}`, exchange);

  const declared = s.contract.response(op, status);
  const declaredStatuses = [...op.responses.keys()].join(", ");
  if (
    !s.judge(
      "status_code_conformance",
      op.id,
      declared !== undefined,
      `${status} is not declared for ${op.id} (declared: ${declaredStatuses})`,
      exchange,
    ) ||
    !declared
  )
    return;

  const contentType = headers["content-type"];
  const received = mediaType(contentType);
  let schema: string | undefined;
  if (declared.content.size === 0) {
    s.judge(
      "content_type_conformance",
      op.id,
      body.length === 0,
      `${status} declares no body, but ${body.length} bytes came back`,
      exchange,
    );
  } else {
    const match = [...declared.content.keys()].find((declaredType) => mediaTypeMatches(declaredType, received));
    const reason =
      contentType === undefined
        ? "no Content-Type header"
        : `Content-Type ${contentType} is not declared for ${status} (declared: ${[...declared.content.keys()].join(", ")})`;
    if (s.judge("content_type_conformance", op.id, match !== undefined, reason, exchange) && match)
      schema = declared.content.get(match);
  }

  if (schema && isJsonMediaType(contentType)) {
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch (err) {
      s.judge(
        "response_schema_conformance",
        op.id,
        false,
        `body is not valid JSON (${(err as Error).message})`,
        exchange,
      );
      value = undefined;
    }
    if (value !== undefined) {
      const errors = s.contract.errors(schema, value);
      s.judge(
        "response_schema_conformance",
        op.id,
        errors.length === 0,
        `body breaks ${schemaName(schema)}:\n${formatErrors(errors).join("\n")}`,
        exchange,
      );
    }
  }

  for (const header of declared.headers) {
    const value = headers[header.name.toLowerCase()];
    if (value === undefined) {
      if (header.required)
        s.judge(
          "response_headers_conformance",
          op.id,
          false,
          `required header ${header.name} is missing from the ${status} response`,
          exchange,
        );
      continue;
    }
    const errors = header.schema ? s.contract.errors(header.schema, value) : [];
    s.judge(
      "response_headers_conformance",
      op.id,
      errors.length === 0,
      `header ${header.name}: ${JSON.stringify(value)} ${errors.map((e) => e.message).join("; ")}`,
      exchange,
    );
  }
}

function mediaTypeMatches(declared: string, received: string): boolean {
  const [type, subtype] = declared.toLowerCase().split("/");
  const [rType, rSubtype] = received.split("/");
  return (type === "*" || type === rType) && (subtype === "*" || subtype === rSubtype);
}

function schemaName(pointer: string): string {
  return pointer.startsWith("#/components/schemas/") ? pointer.slice("#/components/schemas/".length) : pointer;
}
