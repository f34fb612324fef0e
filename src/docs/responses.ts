// Docs-time rewrites of the documents the pages are rendered from. The spec stays DRY (a shared
// response plus a per-operation `description` next to its `$ref`); Redoc ignores such siblings, so
// each one is merged into a copy of the shared response here.
import { isObject, type JsonObject } from "./overlay.ts";

const methods = ["get", "put", "post", "delete", "patch", "head", "options"];

export interface OperationRef {
  path: string;
  method: string;
  operation: JsonObject;
}

export function operationsOf(doc: JsonObject): OperationRef[] {
  const paths = (doc.paths ?? {}) as Record<string, JsonObject>;
  return Object.entries(paths).flatMap(([path, item]) =>
    methods.flatMap((method) => {
      const operation = item[method];
      return isObject(operation) ? [{ path, method, operation }] : [];
    }),
  );
}

/** A copy of `doc` in which every response written as `$ref` plus siblings becomes the referenced response with the siblings on top. */
export function resolveOwnResponses(doc: JsonObject): JsonObject {
  const out = structuredClone(doc);
  for (const { operation } of operationsOf(out)) {
    const responses = (operation.responses ?? {}) as Record<string, JsonObject>;
    for (const [status, response] of Object.entries(responses)) {
      const { $ref, ...own } = response;
      if (typeof $ref !== "string" || Object.keys(own).length === 0) continue;
      responses[status] = { ...structuredClone(resolveLocal(out, $ref)), ...own };
    }
  }
  return out;
}

function resolveLocal(doc: JsonObject, ref: string): JsonObject {
  let node: unknown = doc;
  for (const raw of ref.replace(/^#\//, "").split("/"))
    node = isObject(node) ? node[raw.replaceAll("~1", "/").replaceAll("~0", "~")] : undefined;
  if (!ref.startsWith("#/") || !isObject(node)) throw new Error(`cannot resolve ${ref} in the docs document`);
  return node;
}
