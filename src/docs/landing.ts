// Fills the landing page template (docs-site/index.html) from the English and Chinese documents, so
// the operation table always matches the spec.
import { type OpenApiDocument, operations } from "../spec/openapi.ts";
import { isObject, type JsonObject } from "./overlay.ts";

export interface OperationRow {
  method: string;
  path: string;
  operationId: string;
  summary: string;
  summaryZh: string;
}

export function operationRows(english: JsonObject, zh: JsonObject): OperationRow[] {
  const zhPaths = (zh.paths ?? {}) as Record<string, JsonObject>;
  return operations(english as OpenApiDocument).map(({ method, path, op }) => {
    const zhOp = zhPaths[path]?.[method];
    return {
      method: method.toUpperCase(),
      path,
      operationId: op.operationId,
      summary: op.summary ?? "",
      summaryZh: isObject(zhOp) ? String(zhOp.summary ?? "") : "",
    };
  });
}

export function renderLanding(template: string, english: JsonObject, zh: JsonObject): string {
  const info = english.info as JsonObject;
  const zhInfo = zh.info as JsonObject;
  const rows = operationRows(english, zh)
    .map(
      (row) =>
        `      <tr id="op-${escapeHtml(row.operationId)}"><td><span class="method">${row.method}</span></td><td><code>${escapeHtml(row.path)}</code></td>` +
        `<td>${escapeHtml(row.summary)}</td><td lang="zh-CN">${escapeHtml(row.summaryZh)}</td></tr>`,
    )
    .join("\n");
  const slots: Record<string, string> = {
    title: escapeHtml(String(info.title)),
    version: escapeHtml(String(info.version)),
    summary: escapeHtml(String(info.summary ?? "")),
    summaryZh: escapeHtml(String(zhInfo.summary ?? "")),
    operations: rows,
  };
  return template
    .replace(/<!-- Landing page template;.*?-->\n/, "")
    .replace(/\{\{(\w+)\}\}/g, (whole, name: string) => slots[name] ?? whole);
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
