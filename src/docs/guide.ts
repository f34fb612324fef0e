// The two reader's sections shown before the operations: "Getting started" (docs-site/guide/
// getting-started.<lang>.md, with the endpoint list filled in from the spec's servers) and "Error
// codes" (the codes the spec uses, the HTTP status each comes with, and the wording of
// docs-site/guide/error-codes.yaml). Both are Redoc trait tags: sections with text and no operations.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { type OpenApiDocument, operations } from "../spec/openapi.ts";
import { isObject, type JsonObject } from "./overlay.ts";
import { resolveOwnResponses } from "./responses.ts";

export type Lang = "en" | "zh-CN";

interface CodeText {
  meaning: string;
  action: string;
}
type ErrorCodeTexts = Record<string, Record<Lang, CodeText>>;

export interface ErrorCodeRow {
  code: string;
  /** HTTP statuses of the /v1 responses that name the code; empty when it is only reported inside a job. */
  statuses: string[];
  text: Record<Lang, CodeText>;
}

export class GuideError extends Error {
  override name = "GuideError";
}

const codePattern = /\b(?:IMG|APIG)\.\d{4}\b/g;

const labels = {
  en: {
    gettingStarted: "Getting started",
    errorCodes: "Error codes",
    intro:
      'The `/v1` operations answer errors with an IMS code (`{"error": {"code": …}}`); a token the API gateway refuses gets `APIG.0301`. The `/v2` routes answer with the OpenStack error object instead.',
    head: "| code · HTTP status | meaning | what to do |",
    inJob: "in a job's results",
    region: "regions",
  },
  "zh-CN": {
    gettingStarted: "入门指南",
    errorCodes: "错误码",
    intro:
      '`/v1` 接口以 IMS 错误码返回错误（`{"error": {"code": …}}`）；API 网关拒绝令牌时返回 `APIG.0301`。`/v2` 接口则返回 OpenStack 错误对象。',
    head: "| 错误码 · HTTP 状态码 | 含义 | 处理建议 |",
    inJob: "任务结果中",
    region: "区域",
  },
} as const;

/** Every IMS or gateway code the spec mentions, with the /v1 statuses it comes with, and the wording from `textsPath`. */
export function errorCodeRows(english: JsonObject, textsPath: string): ErrorCodeRow[] {
  const texts = parse(readFileSync(textsPath, "utf8")) as ErrorCodeTexts;
  const resolved = resolveOwnResponses(english);
  const statuses = new Map<string, Set<string>>();
  for (const code of JSON.stringify(english).match(codePattern) ?? []) statuses.set(code, new Set());
  for (const { path, op } of operations(resolved as OpenApiDocument)) {
    if (!path.startsWith("/v1/")) continue;
    for (const [status, response] of Object.entries(op.responses))
      for (const code of JSON.stringify(response).match(codePattern) ?? []) statuses.get(code)?.add(status);
  }
  const missing = [...statuses.keys()].filter((code) => !texts[code]);
  const unused = Object.keys(texts).filter((code) => !statuses.has(code));
  if (missing.length || unused.length)
    throw new GuideError(
      `${textsPath} does not match the spec: ${[
        missing.length ? `missing ${missing.join(", ")}` : "",
        unused.length ? `not in the spec ${unused.join(", ")}` : "",
      ]
        .filter(Boolean)
        .join("; ")}`,
    );
  return [...statuses]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, found]) => ({ code, statuses: [...found].sort(), text: texts[code] as Record<Lang, CodeText> }));
}

export function errorCodeTable(rows: ErrorCodeRow[], lang: Lang): string {
  const l = labels[lang];
  const cell = (text: string) => text.replaceAll("|", "\\|");
  const lines = rows.map(
    (row) =>
      `| \`${row.code}\`<br>${row.statuses.join(", ") || l.inJob} | ${cell(row.text[lang].meaning)} | ${cell(row.text[lang].action)} |`,
  );
  return [l.intro, "", l.head, "| --- | --- | --- |", ...lines].join("\n");
}

/** The servers of the spec as a list: URL, what it is, and the region ids its variable takes. */
export function endpointList(doc: JsonObject, lang: Lang): string {
  const servers = (doc.servers ?? []) as JsonObject[];
  return servers
    .map((server) => {
      const region = isObject(server.variables) ? (server.variables.region as JsonObject | undefined) : undefined;
      const regions = Array.isArray(region?.enum) ? ` (${labels[lang].region}: ${region.enum.join(", ")})` : "";
      return `- \`${String(server.url)}\`: ${String(server.description ?? "")}${regions}`;
    })
    .join("\n");
}

/** A copy of `doc` (in `lang`) with the two guide sections in front of the operation tags. */
export function addGuide(doc: JsonObject, lang: Lang, guideDir: string, rows: ErrorCodeRow[]): JsonObject {
  const out = structuredClone(doc);
  const l = labels[lang];
  const gettingStarted = readFileSync(join(guideDir, `getting-started.${lang}.md`), "utf8").replace(
    "{{endpoints}}",
    endpointList(doc, lang),
  );
  out.tags = [
    { name: "Getting started", "x-displayName": l.gettingStarted, "x-traitTag": true, description: gettingStarted },
    { name: "Error codes", "x-displayName": l.errorCodes, "x-traitTag": true, description: errorCodeTable(rows, lang) },
    ...((doc.tags ?? []) as JsonObject[]),
  ];
  return out;
}

/** The shell blocks of a getting-started file (fenced as `sh`), which a reader runs as printed. */
export function walkthroughBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1] ?? "");
}
