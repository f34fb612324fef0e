// What the suite knows about the API, read from the bundled spec: the operations of a profile, the
// statuses, media types, headers and links each response declares, and where the request schemas
// live. Nothing here restates the contract; checks ask this module.
import type { ErrorObject, ValidateFunction } from "ajv";
import {
  deref,
  encodePointer,
  loadSpec,
  type OpenApiDocument,
  type Operation,
  operations,
  type ParameterObject,
  type ResponseObject,
  resolvePointer,
  type SchemaValidator,
  schemaValidator,
} from "../spec/openapi.ts";

export type Profile = "ims" | "openstack";

export interface ParamSpec {
  name: string;
  /** JSON pointer of the parameter's schema in the bundled spec. */
  schema: string;
}

export interface HeaderSpec {
  name: string;
  required: boolean;
  schema: string | undefined;
}

export interface LinkSpec {
  name: string;
  operationId: string;
  /** Parameter name -> runtime expression (`$response.body#/image_id`). */
  parameters: Record<string, string>;
}

export interface ResponseSpec {
  status: string;
  /** Media type -> JSON pointer of its schema (undefined when the media type has none). */
  content: Map<string, string | undefined>;
  headers: HeaderSpec[];
  links: LinkSpec[];
}

export interface OperationSpec {
  id: string;
  method: string;
  path: string;
  pathParams: ParamSpec[];
  body: { required: boolean; mediaTypes: string[]; schema: string } | undefined;
  requiresAuth: boolean;
  responses: Map<string, ResponseSpec>;
  /** The first 2xx status declared, as a number. */
  successStatus: number;
}

export class Contract {
  readonly validator: SchemaValidator;
  private readonly compiled = new Map<string, ValidateFunction>();
  readonly operations: OperationSpec[];

  constructor(
    readonly doc: OpenApiDocument,
    readonly profile: Profile,
  ) {
    this.validator = schemaValidator(doc);
    this.operations = operations(doc)
      .filter((op) => profile === "ims" || op.path.startsWith("/v2/"))
      .map((op) => describeOperation(doc, op));
  }

  static load(profile: Profile): Contract {
    return new Contract(loadSpec(), profile);
  }

  op(id: string): OperationSpec {
    const found = this.operations.find((o) => o.id === id);
    if (!found) throw new Error(`operation ${id} is not part of the ${this.profile} profile`);
    return found;
  }

  has(id: string): boolean {
    return this.operations.some((o) => o.id === id);
  }

  /** The declared response that covers `status`: the exact code, then `4XX`-style ranges, then `default`. */
  response(op: OperationSpec, status: number): ResponseSpec | undefined {
    return (
      op.responses.get(String(status)) ?? op.responses.get(`${String(status)[0]}XX`) ?? op.responses.get("default")
    );
  }

  declares(op: OperationSpec, status: number): boolean {
    return this.response(op, status) !== undefined;
  }

  /** Validates `value` against the schema at `pointer`; returns Ajv's error objects (empty when valid). */
  errors(pointer: string, value: unknown): ErrorObject[] {
    let fn = this.compiled.get(pointer);
    if (!fn) {
      const encoded = pointer
        .replace(/^#/, "")
        .split("/")
        .map((s) => encodeURIComponent(s))
        .join("/");
      fn = this.validator.ajv.getSchema(`spec#${encoded}`);
      if (!fn) throw new Error(`no schema at ${pointer}`);
      this.compiled.set(pointer, fn);
    }
    return fn(value) ? [] : [...(fn.errors ?? [])];
  }

  /** The schema node at `pointer`, with `$ref`s followed; `pointer` in the result is where it really lives. */
  schemaAt(pointer: string): { pointer: string; schema: Record<string, unknown> } {
    let current = pointer;
    for (;;) {
      const node = resolvePointer<Record<string, unknown>>(this.doc, current);
      if (typeof node.$ref !== "string") return { pointer: current, schema: node };
      current = node.$ref;
    }
  }

  /** The link of `from`'s success response that leads to `targetOperationId`. */
  link(from: OperationSpec, targetOperationId: string): LinkSpec | undefined {
    return from.responses.get(String(from.successStatus))?.links.find((l) => l.operationId === targetOperationId);
  }
}

function describeOperation(doc: OpenApiDocument, operation: Operation): OperationSpec {
  const { method, path, op } = operation;
  const opPointer = `#/paths/${encodePointer(path)}/${method}`;
  const item = doc.paths[path] as { parameters?: ParameterObject[] };
  const raw: { param: ParameterObject; at: string }[] = [
    ...(item.parameters ?? []).map((param, i) => ({ param, at: `#/paths/${encodePointer(path)}/parameters/${i}` })),
    ...(op.parameters ?? []).map((param, i) => ({ param, at: `${opPointer}/parameters/${i}` })),
  ];
  const pathParams = raw
    .map(({ param, at }) => ({ at: param.$ref ?? at, param: deref(doc, param) }))
    .filter(({ param }) => param.in === "path")
    .map(({ at, param }) => ({ name: param.name, schema: `${at}/schema` }));

  let body: OperationSpec["body"];
  if (op.requestBody) {
    const mediaTypes = Object.keys(op.requestBody.content);
    const first = mediaTypes[0];
    if (first === undefined) throw new Error(`${op.operationId}: request body declares no media type`);
    body = {
      required: op.requestBody.required === true,
      mediaTypes,
      schema: `${opPointer}/requestBody/content/${encodePointer(first)}/schema`,
    };
  }

  const responses = new Map<string, ResponseSpec>();
  for (const [status, rawResponse] of Object.entries(op.responses)) {
    const base = rawResponse.$ref ?? `${opPointer}/responses/${status}`;
    const response = deref<ResponseObject>(doc, rawResponse);
    const content = new Map<string, string | undefined>();
    for (const [mediaType, media] of Object.entries(response.content ?? {})) {
      content.set(
        mediaType,
        media.schema ? (media.schema.$ref ?? `${base}/content/${encodePointer(mediaType)}/schema`) : undefined,
      );
    }
    const headers = Object.entries(response.headers ?? {}).map(([name, rawHeader]) => {
      const header = deref(doc, rawHeader);
      const at = rawHeader.$ref ?? `${base}/headers/${encodePointer(name)}`;
      return { name, required: header.required === true, schema: header.schema ? `${at}/schema` : undefined };
    });
    const links = Object.entries(response.links ?? {}).map(([name, rawLink]) => {
      const link = deref(doc, rawLink as { operationId: string; parameters?: Record<string, string> });
      return { name, operationId: link.operationId, parameters: link.parameters ?? {} };
    });
    responses.set(status, { status, content, headers, links });
  }
  const success = Object.keys(op.responses).find((s) => /^2\d\d$/.test(s));
  if (!success) throw new Error(`${op.operationId}: no 2xx response declared`);

  const security = (op as { security?: unknown[] }).security ?? (doc.security as unknown[] | undefined) ?? [];
  const requiresAuth = security.length > 0 && !security.some((req) => Object.keys(req as object).length === 0);

  return {
    id: op.operationId,
    method: method.toUpperCase(),
    path,
    pathParams,
    body,
    requiresAuth,
    responses,
    successStatus: Number(success),
  };
}

/** Evaluates an OpenAPI runtime expression against a finished exchange (the subset links use). */
export function evaluateExpression(
  expression: string,
  source: {
    requestPath: Record<string, string>;
    requestBody: unknown;
    responseBody: unknown;
    responseHeaders: Record<string, string>;
  },
): unknown {
  const bodyRef = /^\$(request|response)\.body#(.*)$/.exec(expression);
  if (bodyRef)
    return pointerInto(bodyRef[1] === "request" ? source.requestBody : source.responseBody, bodyRef[2] ?? "");
  const pathRef = /^\$request\.path\.(.+)$/.exec(expression);
  if (pathRef) return source.requestPath[pathRef[1] as string];
  const headerRef = /^\$response\.header\.(.+)$/.exec(expression);
  if (headerRef) return source.responseHeaders[(headerRef[1] as string).toLowerCase()];
  throw new Error(`unsupported runtime expression ${expression}`);
}

function pointerInto(value: unknown, pointer: string): unknown {
  let node = value;
  for (const raw of pointer.split("/").slice(1)) {
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}
