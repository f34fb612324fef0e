// Docs-time rewrites of the prose: operation names written as `code` become links to their
// operations, and every operation gets a link to its place in the try-it explorer.
import { isObject, type JsonObject } from "./overlay.ts";
import { operationObjects } from "./responses.ts";

/** Redoc's route of a tag or an operation: `#/<tag slug>` and `#/<tag slug>/<lower-cased operationId>`. */
export function tagRoute(tag: string): string {
  return `#/${tag.toLowerCase().replace(/\s+/g, "-")}`;
}

export function operationRoute(tag: string, operationId: string): string {
  return `${tagRoute(tag)}/${operationId.toLowerCase()}`;
}

/** Swagger UI's deep link of an operation (tag spaces become underscores in its element ids, not in the hash). */
export function tryRoute(tag: string, operationId: string): string {
  return `#/${encodeURIComponent(tag)}/${operationId}`;
}

/** A copy of `doc` whose descriptions link every `operationId` they mention to that operation. */
export function linkOperationNames(doc: JsonObject): JsonObject {
  const routes = new Map(
    operationObjects(doc).map((operation) => [
      String(operation.operationId),
      operationRoute(String((operation.tags as string[] | undefined)?.[0] ?? ""), String(operation.operationId)),
    ]),
  );
  const names = [...routes.keys()].join("|");
  const mention = new RegExp(`(?<!\\[)\`(${names})\`(?!\\])`, "g");
  const rewrite = (node: unknown, key: string): unknown => {
    if (typeof node === "string")
      return key === "description" ? node.replace(mention, (_, id: string) => `[\`${id}\`](${routes.get(id)})`) : node;
    if (Array.isArray(node)) return node.map((item) => rewrite(item, ""));
    if (!isObject(node)) return node;
    return Object.fromEntries(
      Object.entries(node).map(([k, v]) => [
        k,
        k === "value" || k === "example" || k === "x-codeSamples" ? v : rewrite(v, k),
      ]),
    );
  };
  return rewrite(doc, "") as JsonObject;
}

/** A copy of `doc` in which every operation's description ends with a link to it in the explorer at `tryPage`. */
export function addTryLinks(doc: JsonObject, tryPage: string, label: string): JsonObject {
  const out = structuredClone(doc);
  for (const operation of operationObjects(out)) {
    const tag = String((operation.tags as string[] | undefined)?.[0] ?? "");
    const link = `[${label}](${tryPage}${tryRoute(tag, String(operation.operationId))})`;
    operation.description = `${String(operation.description ?? "").trimEnd()}\n\n${link}\n`;
  }
  return out;
}
