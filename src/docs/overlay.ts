// Loads OpenAPI Overlay 1.0 documents and applies them with openapi-format. A target that matches
// nothing fails the build: it means the spec moved and the overlay was not updated with it.
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { openapiOverlay, resolveJsonPathValue } from "openapi-format";
import { parse, parseDocument } from "yaml";

export type JsonObject = Record<string, unknown>;

export interface OverlayAction {
  target: string;
  update?: unknown;
  remove?: boolean;
  description?: string;
  /** Hash of the English text this action translates (see englishHash). */
  "x-en-hash"?: string;
  [extension: `x-${string}`]: unknown;
}

export interface OverlayDocument {
  overlay: string;
  info: { title: string; version: string };
  actions: OverlayAction[];
}

export function loadOverlay(path: string): OverlayDocument {
  const doc = parse(readFileSync(path, "utf8")) as unknown;
  const problems = overlayProblems(doc);
  if (problems.length) throw new Error(`${path} is not an OpenAPI Overlay 1.0 document:\n  ${problems.join("\n  ")}`);
  return doc as OverlayDocument;
}

/** The structural rules of Overlay 1.0 that matter here: version, info, and well-formed actions. */
export function overlayProblems(doc: unknown): string[] {
  if (!isObject(doc)) return ["not a YAML mapping"];
  const problems: string[] = [];
  if (typeof doc.overlay !== "string" || !/^1\.0\.\d+$/.test(doc.overlay))
    problems.push(`overlay must be 1.0.x, got ${JSON.stringify(doc.overlay)}`);
  const info = doc.info;
  if (!isObject(info) || typeof info.title !== "string" || typeof info.version !== "string")
    problems.push("info.title and info.version are required");
  if (!Array.isArray(doc.actions) || doc.actions.length === 0) return [...problems, "actions must be a non-empty list"];
  for (const [i, action] of (doc.actions as unknown[]).entries()) {
    if (!isObject(action)) {
      problems.push(`actions[${i}] is not a mapping`);
      continue;
    }
    if (typeof action.target !== "string" || !action.target.startsWith("$"))
      problems.push(`actions[${i}].target must be a JSONPath starting with $`);
    if (!("update" in action) && action.remove !== true) problems.push(`actions[${i}] needs update or remove: true`);
    for (const key of Object.keys(action)) {
      if (!["target", "description", "update", "remove"].includes(key) && !key.startsWith("x-"))
        problems.push(`actions[${i}] has unknown field ${key}`);
    }
  }
  return problems;
}

/** Applies the overlay to a copy of `doc`. Throws when an action's target matches nothing. */
export async function applyOverlay<T extends JsonObject>(doc: T, overlay: OverlayDocument, name: string): Promise<T> {
  const result = await openapiOverlay(structuredClone(doc), { overlaySet: { ...overlay } });
  const unused = (result.resultData.unusedActions ?? []) as OverlayAction[];
  if (unused.length)
    throw new Error(
      `${name}: ${unused.length} action(s) match nothing in the spec: ${unused.map((a) => a.target).join(", ")}`,
    );
  return result.data as T;
}

/**
 * A short hash of the English values that an action replaces: for every string in `update`, the
 * value at the same place in the English document (`x-displayName` stands for a tag's `name`).
 */
export function englishHash(english: JsonObject, action: OverlayAction): string {
  const targets = resolveJsonPathValue(english, action.target);
  const source = targets.map((node) => project(node, action.update));
  return createHash("sha256").update(JSON.stringify(source)).digest("hex").slice(0, 10);
}

function project(node: unknown, update: unknown): unknown {
  if (!isObject(update)) return null;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(update)) {
    const englishKey = key === "x-displayName" ? "name" : key;
    const current = isObject(node) ? node[englishKey] : undefined;
    out[key] = typeof value === "string" ? (current ?? null) : project(current, value);
  }
  return out;
}

export interface StaleAction {
  index: number;
  target: string;
  recorded: string | undefined;
  current: string;
}

/** Actions whose English source changed since the translation was written (or was never stamped). */
export function staleActions(english: JsonObject, overlay: OverlayDocument): StaleAction[] {
  return overlay.actions.flatMap((action, index) => {
    const current = englishHash(english, action);
    const recorded = action["x-en-hash"];
    return recorded === current ? [] : [{ index, target: action.target, recorded, current }];
  });
}

/** Rewrites every action's x-en-hash in the overlay file, keeping its comments and layout. */
export function stampTranslations(path: string, english: JsonObject): StaleAction[] {
  const overlay = loadOverlay(path);
  const stale = staleActions(english, overlay);
  if (stale.length === 0) return stale;
  const file = parseDocument(readFileSync(path, "utf8"));
  for (const { index, current } of stale) file.setIn(["actions", index, "x-en-hash"], current);
  writeFileSync(path, file.toString({ lineWidth: 0 }));
  return stale;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
