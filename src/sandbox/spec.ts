// Compiles, for every operation of the contract, the validators of its path parameters and request
// body from the shared operation model. The sandbox never restates a request schema by hand.
import { createAjv, describeError, type ErrorObject, specSchemaRef, type ValidateFunction } from "../spec/ajv.ts";
import { describeOperations, fastifyRoute, type Verb } from "../spec/model.ts";
import { loadSpec, type OpenApiDocument } from "../spec/openapi.ts";

/** One way a request failed its schema: where (`body/member`, `path/image_id`) and what. */
export interface RequestProblem {
  /** `body` or `path`, then the JSON path of the offending value, joined with `/`. */
  field: string;
  /** The Ajv keyword that failed (`pattern`, `required`, `uniqueItems`, ...). */
  keyword: string;
  message: string;
}

export interface SpecOperation {
  operationId: string;
  method: Verb;
  /** Path template as the spec writes it: `/v2/images/{image_id}/members`. */
  path: string;
  /** The same path in Fastify's syntax: `/v2/images/:image_id/members`. */
  route: string;
  hasBody: boolean;
  /** Every method the spec declares on this path, in the spec's order, upper case. */
  allow: Verb[];
  checkParams(params: unknown): RequestProblem | undefined;
  checkBody(body: unknown): RequestProblem | undefined;
}

/** Compiles one validator per operation for its path parameters and one for its JSON body. */
export function compileOperations(doc: OpenApiDocument = loadSpec()): SpecOperation[] {
  const ajv = createAjv({ allErrors: false }, doc);
  return describeOperations(doc).map((op) => {
    const paramsSchema = {
      type: "object",
      required: op.pathParams.filter((p) => p.required).map((p) => p.name),
      properties: Object.fromEntries(op.pathParams.map((p) => [p.name, { $ref: specSchemaRef(p.schema) }])),
    };
    const checkParamsFn = ajv.compile(paramsSchema);
    const checkBodyFn: ValidateFunction | undefined = op.body
      ? ajv.compile({ $ref: specSchemaRef(op.body.schema) })
      : undefined;
    return {
      operationId: op.id,
      method: op.method,
      path: op.path,
      route: fastifyRoute(op.path),
      hasBody: checkBodyFn !== undefined,
      allow: op.allow,
      checkParams: (params) => (checkParamsFn(params) ? undefined : problem("path", checkParamsFn.errors)),
      checkBody: (body) => (!checkBodyFn || checkBodyFn(body) ? undefined : problem("body", checkBodyFn.errors)),
    };
  });
}

/** Turns Ajv's first error into a problem that names the field, e.g. `body/projects/3`. */
function problem(root: "body" | "path", errors: ErrorObject[] | null | undefined): RequestProblem {
  const error = errors?.[0];
  if (!error) return { field: root, keyword: "unknown", message: `${root} is invalid` };
  const { at, keyword, message } = describeError(error);
  const field = [root, ...at].join("/");
  return { field, keyword, message: `${field} ${message}` };
}
