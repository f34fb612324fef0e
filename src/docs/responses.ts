// Docs-time rewrites of the documents the pages are rendered from. The spec stays DRY (a shared
// response plus a per-operation `description` next to its `$ref`); Redoc ignores such siblings, so
// each one is merged into a copy of the shared response here.
import { type OpenApiDocument, operations, resolvePointer } from "../spec/openapi.ts";
import type { JsonObject } from "./overlay.ts";

/** The operation objects of a document (the English spec or its Chinese overlay), as editable JSON. */
export function operationObjects(doc: JsonObject): JsonObject[] {
  return operations(doc as OpenApiDocument).map(({ op }) => op as unknown as JsonObject);
}

/** A copy of `doc` in which every response written as `$ref` plus siblings becomes the referenced response with the siblings on top. */
export function resolveOwnResponses(doc: JsonObject): JsonObject {
  const out = structuredClone(doc);
  for (const operation of operationObjects(out)) {
    const responses = (operation.responses ?? {}) as Record<string, JsonObject>;
    for (const [status, response] of Object.entries(responses)) {
      const { $ref, ...own } = response;
      if (typeof $ref !== "string" || Object.keys(own).length === 0) continue;
      responses[status] = { ...structuredClone(resolvePointer<JsonObject>(out as OpenApiDocument, $ref)), ...own };
    }
  }
  return out;
}
