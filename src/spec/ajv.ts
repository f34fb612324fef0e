// The one place Ajv is set up (JSON Schema 2020-12, the dialect of OpenAPI 3.1), and the one way its
// errors are put into words. Every validator in the kit — request and response schemas, the seed
// file, the suite's config — comes from `createAjv` and is explained by `describeError`.
import { Ajv2020, type ErrorObject, type Options } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { decodePointer } from "./pointer.ts";

export type { ErrorObject, ValidateFunction } from "ajv/dist/2020.js";
export type { Ajv2020 };

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

/** The id under which `createAjv` registers an OpenAPI document: schemas are then `spec#/components/...`. */
export const specSchemaId = "spec";

// Keys an OpenAPI document has around and inside its schemas that are not JSON Schema keywords.
const openApiKeywords = [
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
];

/**
 * A strict Ajv 2020 instance with formats. With `document`, the whole OpenAPI document is added
 * under `specSchemaId`, so `$ref`s between its components resolve.
 */
export function createAjv(options: Options = {}, document?: object): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, strictTuples: false, validateFormats: true, ...options });
  addFormats(ajv);
  if (document) {
    ajv.addVocabulary(openApiKeywords);
    ajv.addSchema(document, specSchemaId);
  }
  return ajv;
}

/** The Ajv schema id of a JSON pointer into the document added by `createAjv` (`#/components/schemas/X`). */
export function specSchemaRef(pointer: string): string {
  const bare = pointer.startsWith("#") ? pointer.slice(1) : pointer;
  return `${specSchemaId}#${bare
    .split("/")
    .map((s) => encodeURIComponent(s))
    .join("/")}`;
}

/** One Ajv error in words: where the offending value is (path segments) and what is wrong with it. */
export interface SchemaProblem {
  /** Path of the offending value from the validated root; for a missing or unknown property, that property. */
  at: string[];
  keyword: string;
  /** What is wrong, without the path: `is required`, `must be one of "a", "b"`, ... */
  message: string;
}

export function describeError(error: ErrorObject): SchemaProblem {
  const at = error.instancePath === "" ? [] : error.instancePath.split("/").slice(1).map(decodePointer);
  const params = error.params as Record<string, unknown>;
  const list = (values: unknown) => (values as unknown[]).map((v) => JSON.stringify(v)).join(", ");
  switch (error.keyword) {
    case "required":
      return { at: [...at, String(params.missingProperty)], keyword: "required", message: "is required" };
    case "additionalProperties":
      return {
        at: [...at, String(params.additionalProperty)],
        keyword: "additionalProperties",
        message: "is not allowed",
      };
    case "enum":
      return { at, keyword: "enum", message: `must be one of ${list(params.allowedValues)}` };
    case "const":
      return { at, keyword: "const", message: `must be ${JSON.stringify(params.allowedValue)}` };
    case "uniqueItems":
      return {
        at,
        keyword: "uniqueItems",
        message: `must not contain duplicates (items ${String(params.j)} and ${String(params.i)} are equal)`,
      };
    case "propertyNames":
      return { at, keyword: "propertyNames", message: `has an invalid name ${JSON.stringify(params.propertyName)}` };
    default:
      return { at, keyword: error.keyword, message: error.message ?? "is invalid" };
  }
}

/** A path as people write it in a config file: `actors.owner.headers`, `projects[1].token`. */
export function dottedPath(at: string[]): string {
  if (at.length === 0) return "(root)";
  return at.map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : i === 0 ? s : `.${s}`)).join("");
}

/**
 * Every error once, as `path: message` lines; `join` renders the path (default: a JSON pointer,
 * `(root)` for the root). Ajv's bookkeeping errors of `if`/`then` are left out.
 */
export function formatErrors(
  errors: readonly ErrorObject[],
  join: (at: string[]) => string = (at) => (at.length === 0 ? "(root)" : `/${at.join("/")}`),
): string[] {
  const lines = errors
    .filter((e) => e.keyword !== "if")
    .map(describeError)
    .map((p) => `${join(p.at)}: ${p.message}`);
  return [...new Set(lines)];
}
