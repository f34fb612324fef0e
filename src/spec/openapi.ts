// Loads the bundled spec and validates values against its schemas with Ajv (JSON Schema 2020-12,
// the dialect of OpenAPI 3.1). Shared by the spec, client, mock and contract tests.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

export const repoRoot = resolve(import.meta.dirname, "..", "..");
export const bundledSpecPath = resolve(repoRoot, "generated", "openapi.json");

export type HttpMethod = "get" | "put" | "post" | "delete" | "patch" | "head" | "options";
export const httpMethods: readonly HttpMethod[] = ["get", "put", "post", "delete", "patch", "head", "options"];

export interface MediaTypeObject {
  schema?: { $ref?: string } & Record<string, unknown>;
  example?: unknown;
  examples?: Record<string, { $ref?: string; value?: unknown; summary?: string }>;
}
export interface ResponseObject {
  $ref?: string;
  description?: string;
  content?: Record<string, MediaTypeObject>;
  headers?: Record<string, { $ref?: string; required?: boolean; schema?: Record<string, unknown> }>;
  links?: Record<string, unknown>;
}
export interface OperationObject {
  operationId: string;
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: ParameterObject[];
  requestBody?: { required?: boolean; content: Record<string, MediaTypeObject> };
  responses: Record<string, ResponseObject>;
}
export interface ParameterObject {
  $ref?: string;
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  description?: string;
  schema?: Record<string, unknown>;
  example?: unknown;
}
export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, unknown> & { parameters?: ParameterObject[] }>;
  components: Record<string, Record<string, unknown>>;
  tags?: { name: string; description?: string }[];
  [key: string]: unknown;
}

export function loadSpec(path = bundledSpecPath): OpenApiDocument {
  return JSON.parse(readFileSync(path, "utf8")) as OpenApiDocument;
}

/** Follows a local `#/...` reference inside the document. */
export function resolvePointer<T>(doc: OpenApiDocument, ref: string): T {
  if (!ref.startsWith("#/")) throw new Error(`only local refs are supported: ${ref}`);
  let node: unknown = doc;
  for (const raw of ref.slice(2).split("/")) {
    const key = decodeURIComponent(raw).replaceAll("~1", "/").replaceAll("~0", "~");
    node = (node as Record<string, unknown> | undefined)?.[key];
    if (node === undefined) throw new Error(`unresolvable ref ${ref}`);
  }
  return node as T;
}

/** Returns the object itself, or the component it references. */
export function deref<T extends object>(doc: OpenApiDocument, value: T | { $ref: string }): T {
  return "$ref" in value && typeof value.$ref === "string"
    ? deref(doc, resolvePointer<T>(doc, value.$ref))
    : (value as T);
}

export interface Operation {
  method: HttpMethod;
  path: string;
  op: OperationObject;
  parameters: ParameterObject[];
}

export function operations(doc: OpenApiDocument): Operation[] {
  const result: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of httpMethods) {
      const op = item[method] as OperationObject | undefined;
      if (!op) continue;
      const parameters = [...(item.parameters ?? []), ...(op.parameters ?? [])].map((p) => deref(doc, p));
      result.push({ method, path, op, parameters });
    }
  }
  return result;
}

export function operationById(doc: OpenApiDocument, operationId: string): Operation {
  const found = operations(doc).find((o) => o.op.operationId === operationId);
  if (!found) throw new Error(`no operation ${operationId}`);
  return found;
}

export interface SchemaValidator {
  /** Validates `value` against the schema at `ref` (a JSON pointer into the spec); returns readable errors. */
  validate(ref: string, value: unknown): string[];
  ajv: Ajv2020;
}

/** One Ajv instance holding the whole spec, so `$ref`s between components resolve. */
export function schemaValidator(doc: OpenApiDocument = loadSpec()): SchemaValidator {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictTuples: false, validateFormats: true });
  addFormats(ajv);
  // The spec's own top-level keys and OpenAPI extensions are not JSON Schema keywords.
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
  const cache = new Map<string, ValidateFunction>();
  return {
    ajv,
    validate(ref, value) {
      let fn = cache.get(ref);
      if (!fn) {
        const pointer = ref.startsWith("#") ? ref.slice(1) : ref;
        const encoded = pointer
          .split("/")
          .map((s) => encodeURIComponent(s))
          .join("/");
        fn = ajv.getSchema(`spec#${encoded}`);
        if (!fn) throw new Error(`no schema at ${ref}`);
        cache.set(ref, fn);
      }
      return fn(value) ? [] : formatErrors(fn.errors ?? []);
    },
  };
}

export function formatErrors(errors: ErrorObject[]): string[] {
  return errors.map(
    (e) =>
      `${e.instancePath || "(root)"} ${e.message ?? e.keyword}${e.params && "allowedValues" in e.params ? `: ${JSON.stringify(e.params.allowedValues)}` : ""}`,
  );
}

/** JSON pointer of the response body schema of an operation for one status, or undefined when none is declared. */
export function responseSchemaRef(
  doc: OpenApiDocument,
  operation: Operation,
  status: string,
  mediaType = "application/json",
): string | undefined {
  const raw = operation.op.responses[status];
  if (!raw) return undefined;
  const response = deref<ResponseObject>(doc, raw);
  const schema = response.content?.[mediaType]?.schema;
  if (!schema) return undefined;
  if (schema.$ref) return schema.$ref;
  const base = raw.$ref ?? `#/paths/${encodePointer(operation.path)}/${operation.method}/responses/${status}`;
  return `${base}/content/${encodePointer(mediaType)}/schema`;
}

export function encodePointer(segment: string): string {
  return segment.replaceAll("~", "~0").replaceAll("/", "~1");
}
