// Reads the bundled contract once and compiles, for every operation, the validators of its path
// parameters and request body. The sandbox never restates a request schema by hand.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

export const bundledSpecPath = resolve(import.meta.dirname, "..", "..", "generated", "openapi.json");

const methods = ["get", "put", "post", "delete", "patch"] as const;
export type Method = (typeof methods)[number];

interface RawParameter {
  $ref?: string;
  name?: string;
  in?: string;
  required?: boolean;
  schema?: unknown;
}
interface RawOperation {
  operationId: string;
  parameters?: RawParameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: unknown }> };
}
type RawPathItem = Partial<Record<Method, RawOperation>> & { parameters?: RawParameter[] };
export interface SpecDocument {
  paths: Record<string, RawPathItem>;
  components: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

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
  method: Method;
  /** Path template as the spec writes it: `/v2/images/{image_id}/members`. */
  path: string;
  /** The same path in Fastify's syntax: `/v2/images/:image_id/members`. */
  route: string;
  hasBody: boolean;
  /** Every method the spec declares on this path, in the spec's order, upper case. */
  allow: string[];
  checkParams(params: unknown): RequestProblem | undefined;
  checkBody(body: unknown): RequestProblem | undefined;
}

export function loadSpecDocument(path = bundledSpecPath): SpecDocument {
  return JSON.parse(readFileSync(path, "utf8")) as SpecDocument;
}

function newAjv(doc: SpecDocument): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: false, strict: true, strictTuples: false, validateFormats: true });
  addFormats(ajv);
  // OpenAPI adds these keys around and inside schemas; they are not JSON Schema keywords.
  ajv.addVocabulary([
    "openapi",
    "info",
    "servers",
    "paths",
    "components",
    "security",
    "tags",
    "webhooks",
    "jsonSchemaDialect",
    "externalDocs",
    "discriminator",
    "xml",
    "example",
  ]);
  ajv.addSchema(doc, "spec");
  return ajv;
}

/** Compiles one validator per operation for its path parameters and one for its JSON body. */
export function compileOperations(doc: SpecDocument = loadSpecDocument()): SpecOperation[] {
  const ajv = newAjv(doc);

  const result: SpecOperation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    const declared = methods.filter((m) => item[m]);
    const allow = declared.map((m) => m.toUpperCase());
    for (const method of declared) {
      const op = item[method] as RawOperation;
      const parameters = [...(item.parameters ?? []), ...(op.parameters ?? [])]
        .map((p) => pathParameterRef(doc, p))
        .filter((p) => p !== undefined);
      const paramsSchema = {
        type: "object",
        required: parameters.filter((p) => p.required).map((p) => p.name),
        properties: Object.fromEntries(parameters.map((p) => [p.name, { $ref: `spec#${p.schemaPointer}` }])),
      };
      const checkParamsFn = ajv.compile(paramsSchema);
      const bodySchema = op.requestBody?.content?.["application/json"]?.schema as { $ref?: string } | undefined;
      let checkBodyFn: ValidateFunction | undefined;
      if (bodySchema) checkBodyFn = ajv.compile(bodySchema.$ref ? { $ref: `spec${bodySchema.$ref}` } : bodySchema);
      result.push({
        operationId: op.operationId,
        method,
        path,
        route: path.replace(/\{([^}]+)\}/g, ":$1"),
        hasBody: checkBodyFn !== undefined,
        allow,
        checkParams: (params) => (checkParamsFn(params) ? undefined : describe("path", checkParamsFn.errors)),
        checkBody: (body) => (!checkBodyFn || checkBodyFn(body) ? undefined : describe("body", checkBodyFn.errors)),
      });
    }
  }
  return result;
}

function pathParameterRef(
  doc: SpecDocument,
  raw: RawParameter,
): { name: string; required: boolean; schemaPointer: string } | undefined {
  let pointer = "";
  let param = raw;
  if (raw.$ref) {
    pointer = raw.$ref.slice(1);
    param = resolveLocal(doc, raw.$ref) as RawParameter;
  }
  if (param.in !== "path" || !param.name) return undefined;
  if (!pointer)
    throw new Error(`inline path parameter ${param.name} is not supported; declare it in components/parameters`);
  return { name: param.name, required: param.required === true, schemaPointer: `${pointer}/schema` };
}

function resolveLocal(doc: SpecDocument, ref: string): unknown {
  let node: unknown = doc;
  for (const key of ref.slice(2).split("/"))
    node = (node as Record<string, unknown>)[key.replaceAll("~1", "/").replaceAll("~0", "~")];
  if (node === undefined) throw new Error(`unresolvable reference ${ref} in the bundled spec`);
  return node;
}

/** Turns Ajv's first error into a problem that names the field, e.g. `body/projects/3`. */
function describe(root: "body" | "path", errors: ErrorObject[] | null | undefined): RequestProblem {
  const error = errors?.[0];
  if (!error) return { field: root, keyword: "unknown", message: `${root} is invalid` };
  const segments = error.instancePath
    .split("/")
    .slice(1)
    .map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"));
  const at = (extra?: string) => [root, ...segments, ...(extra === undefined ? [] : [extra])].join("/");
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "required":
      return {
        field: at(String(params.missingProperty)),
        keyword: "required",
        message: `${at(String(params.missingProperty))} is required`,
      };
    case "additionalProperties":
      return {
        field: at(String(params.additionalProperty)),
        keyword: "additionalProperties",
        message: `${at(String(params.additionalProperty))} is not allowed`,
      };
    case "enum":
      return {
        field: at(),
        keyword: "enum",
        message: `${at()} must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`,
      };
    case "uniqueItems":
      return {
        field: at(),
        keyword: "uniqueItems",
        message: `${at()} must not contain duplicates (items ${String(params.j)} and ${String(params.i)} are equal)`,
      };
    default:
      return { field: at(), keyword: error.keyword, message: `${at()} ${error.message ?? "is invalid"}` };
  }
}
