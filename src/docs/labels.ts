// The zh-CN interface labels and sample comments (docs-site/labels/zh-CN.yaml): the comments are
// translated in the document here; the labels go into the page for docs-site/page.js.
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { isObject, type JsonObject } from "./overlay.ts";
import { operationObjects } from "./responses.ts";

export interface PageLabels {
  exact: Record<string, string>;
  patterns: [string, string][];
  typeLine: string;
  typeWords: Record<string, string>;
}
export interface Labels extends PageLabels {
  comments: Record<string, string>;
}

export class LabelsError extends Error {
  override name = "LabelsError";
}

export function loadLabels(path: string): Labels {
  const labels = parse(readFileSync(path, "utf8")) as Labels;
  for (const key of ["exact", "patterns", "typeLine", "typeWords", "comments"] as const)
    if (!(key in labels)) throw new LabelsError(`${path}: ${key} is missing`);
  return labels;
}

// A comment starts a line (`#` in shell, `//` in TypeScript) or follows code after a space (`//` only).
const comment = /(^[ \t]*#[ \t]|(?:^|[ \t])\/\/[ \t])(.+)$/gm;

/** A copy of `doc` whose code-sample comments are replaced by their translations; throws on a comment without one. */
export function translateSampleComments(doc: JsonObject, comments: Record<string, string>): JsonObject {
  const out = structuredClone(doc);
  const missing = new Set<string>();
  for (const operation of operationObjects(out)) {
    const samples = operation["x-codeSamples"];
    if (!Array.isArray(samples)) continue;
    for (const sample of samples) {
      if (!isObject(sample) || typeof sample.source !== "string") continue;
      sample.source = sample.source.replace(comment, (whole, start: string, text: string) => {
        const translated = comments[text.trim()];
        if (translated === undefined) missing.add(text.trim());
        return translated === undefined ? whole : `${start}${translated}`;
      });
    }
  }
  if (missing.size) throw new LabelsError(`sample comments without a translation: ${[...missing].join(" | ")}`);
  return out;
}
