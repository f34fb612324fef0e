// The spec as a document: where the bundled copy lives, its OpenAPI object types, reading it, and
// following its local `$ref`s. The operation model (src/spec/model.ts) and the validators
// (src/spec/ajv.ts) build on this module; nothing else in the kit reads generated/openapi.json.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import {
  type Ajv2020,
  createAjv,
  type ErrorObject,
  formatErrors,
  specSchemaRef,
  type ValidateFunction,
} from "./ajv.ts";
import { decodePointer, encodePointer } from "./pointer.ts";

export { encodePointer } from "./pointer.ts";

/** The package root: the repository in a checkout, the installed package otherwise (dist/ mirrors src/). */
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
  security?: Record<string, string[]>[];
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
    const key = decodePointer(decodeURIComponent(raw));
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
  /** Ajv's errors for `value` against the schema at `pointer` (`#/components/schemas/X`); empty when valid. */
  errors(pointer: string, value: unknown): ErrorObject[];
  /** The same, as readable `path: message` lines. */
  validate(pointer: string, value: unknown): string[];
  ajv: Ajv2020;
}

/** One Ajv instance holding the whole spec, so `$ref`s between components resolve; validators are cached. */
export function schemaValidator(
  doc: OpenApiDocument = loadSpec(),
  options: { allErrors?: boolean } = {},
): SchemaValidator {
  const ajv = createAjv({ allErrors: options.allErrors ?? true }, doc);
  const cache = new Map<string, ValidateFunction>();
  const errors = (pointer: string, value: unknown): ErrorObject[] => {
    let fn = cache.get(pointer);
    if (!fn) {
      fn = ajv.getSchema(specSchemaRef(pointer));
      if (!fn) throw new Error(`no schema at ${pointer}`);
      cache.set(pointer, fn);
    }
    return fn(value) ? [] : [...(fn.errors ?? [])];
  };
  return { ajv, errors, validate: (pointer, value) => formatErrors(errors(pointer, value)) };
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
