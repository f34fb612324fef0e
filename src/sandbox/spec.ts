// The contract as the sandbox's routes see it: for every operation of the spec, its method, path,
// error family and the JSON schemas of its path parameters and body, as `$ref`s into the bundled
// spec. Fastify validates requests against them with one Ajv instance that holds the whole
// document (src/spec/ajv.ts); the sandbox never restates a request schema by hand.
import type { FastifySchemaCompiler } from "fastify";
import { createAjv, specSchemaRef } from "../spec/ajv.ts";
import { describeOperations, fastifyRoute, type Verb } from "../spec/model.ts";
import { loadSpec, type OpenApiDocument } from "../spec/openapi.ts";
import { type ErrorFamily, familyOf } from "./errors.ts";

export interface RouteSpec {
  operationId: string;
  method: Verb;
  /** Path template as the spec writes it: `/v2/images/{image_id}/members`. */
  path: string;
  /** The same path in Fastify's syntax: `/v2/images/:image_id/members`. */
  route: string;
  family: ErrorFamily;
  /** Every method the spec declares on this path, in the spec's order, upper case. */
  allow: Verb[];
  /** The route's `schema`: its path parameters, and its body when it takes one. */
  schema: { params: object; body?: object };
}

export interface Contract {
  operations: RouteSpec[];
  /** Fastify's validator compiler: compiles route schemas with the Ajv that holds the spec. */
  validatorCompiler: FastifySchemaCompiler<object>;
}

export function loadContract(doc: OpenApiDocument = loadSpec()): Contract {
  // allErrors off: the first problem is the one reported, and validation stops there.
  const ajv = createAjv({ allErrors: false }, doc);
  const operations = describeOperations(doc).map((op): RouteSpec => {
    const params = {
      type: "object",
      required: op.pathParams.filter((p) => p.required).map((p) => p.name),
      properties: Object.fromEntries(op.pathParams.map((p) => [p.name, { $ref: specSchemaRef(p.schema) }])),
    };
    return {
      operationId: op.id,
      method: op.method,
      path: op.path,
      route: fastifyRoute(op.path),
      family: familyOf(op.path),
      allow: op.allow,
      schema: op.body ? { params, body: { $ref: specSchemaRef(op.body.schema) } } : { params },
    };
  });
  return { operations, validatorCompiler: ({ schema }) => ajv.compile(schema) };
}
