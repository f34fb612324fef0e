// The operation model: what each operation of the bundled spec takes and answers, with every schema
// named by its JSON pointer into the document (so one Ajv instance holding the document validates
// them all). The sandbox routes and validates with it, the suite checks with it, the docs list it.
import {
  deref,
  type HttpMethod,
  httpMethods,
  type OpenApiDocument,
  type OperationObject,
  type ParameterObject,
  type ResponseObject,
} from "./openapi.ts";
import { encodePointer as enc, pointerInto } from "./pointer.ts";

export type Verb = Uppercase<HttpMethod>;

export interface ParamSpec {
  name: string;
  required: boolean;
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

export interface BodySpec {
  required: boolean;
  mediaTypes: string[];
  /** JSON pointer of the schema of the first media type. */
  schema: string;
}

export interface SpecOperation {
  id: string;
  method: Verb;
  /** Path template as the spec writes it: `/v2/images/{image_id}/members`. */
  path: string;
  /** Every method the spec declares on this path, in the spec's order. */
  allow: Verb[];
  pathParams: ParamSpec[];
  body: BodySpec | undefined;
  requiresAuth: boolean;
  responses: Map<string, ResponseSpec>;
  /** The first 2xx status declared, as a number. */
  successStatus: number;
  /** The operation object itself, for what the model does not cover (summary, tags, ...). */
  raw: OperationObject;
}

export function describeOperations(doc: OpenApiDocument): SpecOperation[] {
  const result: SpecOperation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    const declared = httpMethods.filter((m) => item[m] !== undefined);
    const allow = declared.map((m) => m.toUpperCase() as Verb);
    for (const method of declared) result.push(describeOperation(doc, path, method, allow));
  }
  return result;
}

function describeOperation(doc: OpenApiDocument, path: string, method: HttpMethod, allow: Verb[]): SpecOperation {
  const item = doc.paths[path] as { parameters?: ParameterObject[] } & Record<string, unknown>;
  const op = item[method] as OperationObject;
  const opPointer = `#/paths/${enc(path)}/${method}`;
  const raw: { param: ParameterObject; at: string }[] = [
    ...(item.parameters ?? []).map((param, i) => ({ param, at: `#/paths/${enc(path)}/parameters/${i}` })),
    ...(op.parameters ?? []).map((param, i) => ({ param, at: `${opPointer}/parameters/${i}` })),
  ];
  const pathParams = raw
    .map(({ param, at }) => ({ at: param.$ref ?? at, param: deref(doc, param) }))
    .filter(({ param }) => param.in === "path")
    .map(({ at, param }) => ({ name: param.name, required: param.required === true, schema: `${at}/schema` }));

  let body: BodySpec | undefined;
  if (op.requestBody) {
    const mediaTypes = Object.keys(op.requestBody.content);
    const first = mediaTypes[0];
    if (first === undefined) throw new Error(`${op.operationId}: request body declares no media type`);
    const schema = op.requestBody.content[first]?.schema;
    body = {
      required: op.requestBody.required === true,
      mediaTypes,
      schema: schema?.$ref ?? `${opPointer}/requestBody/content/${enc(first)}/schema`,
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
        media.schema ? (media.schema.$ref ?? `${base}/content/${enc(mediaType)}/schema`) : undefined,
      );
    }
    const headers = Object.entries(response.headers ?? {}).map(([name, rawHeader]) => {
      const header = deref(doc, rawHeader);
      const at = rawHeader.$ref ?? `${base}/headers/${enc(name)}`;
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

  const security = op.security ?? (doc.security as unknown[] | undefined) ?? [];
  const requiresAuth = security.length > 0 && !security.some((req) => Object.keys(req as object).length === 0);

  return {
    id: op.operationId,
    method: method.toUpperCase() as Verb,
    path,
    allow,
    pathParams,
    body,
    requiresAuth,
    responses,
    successStatus: Number(success),
    raw: op,
  };
}

/** The declared response that covers `status`: the exact code, then `4XX`-style ranges, then `default`. */
export function responseFor(op: SpecOperation, status: number): ResponseSpec | undefined {
  return op.responses.get(String(status)) ?? op.responses.get(`${String(status)[0]}XX`) ?? op.responses.get("default");
}

/** The path template in Fastify's syntax: `/v2/images/:image_id/members`. */
export function fastifyRoute(path: string): string {
  return path.replace(/\{([^}]+)\}/g, ":$1");
}

/** What an OpenAPI runtime expression can be evaluated against: one finished exchange. */
export interface ExpressionSource {
  requestPath: Record<string, string>;
  requestBody: unknown;
  responseBody: unknown;
  responseHeaders: Record<string, string>;
}

/** Evaluates an OpenAPI runtime expression (the subset links use) against a finished exchange. */
export function evaluateExpression(expression: string, source: ExpressionSource): unknown {
  const bodyRef = /^\$(request|response)\.body#(.*)$/.exec(expression);
  if (bodyRef)
    return pointerInto(bodyRef[1] === "request" ? source.requestBody : source.responseBody, bodyRef[2] ?? "");
  const pathRef = /^\$request\.path\.(.+)$/.exec(expression);
  if (pathRef) return source.requestPath[pathRef[1] as string];
  const headerRef = /^\$response\.header\.(.+)$/.exec(expression);
  if (headerRef) return source.responseHeaders[(headerRef[1] as string).toLowerCase()];
  throw new Error(`unsupported runtime expression ${expression}`);
}
