// Fills the landing page template (docs-site/index.html) from the English and Chinese documents, so
// the operation table always matches the spec.
import { isObject, type JsonObject } from "./overlay.ts";

const methods = ["get", "post", "put", "delete", "patch"] as const;

export interface OperationRow {
  method: string;
  path: string;
  operationId: string;
  summary: string;
  summaryZh: string;
}

export function operationRows(english: JsonObject, zh: JsonObject): OperationRow[] {
  const rows: OperationRow[] = [];
  const paths = (english.paths ?? {}) as Record<string, JsonObject>;
  const zhPaths = (zh.paths ?? {}) as Record<string, JsonObject>;
  for (const [path, item] of Object.entries(paths)) {
    for (const method of methods) {
      const op = item[method];
      if (!isObject(op)) continue;
      const zhOp = zhPaths[path]?.[method];
      rows.push({
        method: method.toUpperCase(),
        path,
        operationId: String(op.operationId),
        summary: String(op.summary ?? ""),
        summaryZh: isObject(zhOp) ? String(zhOp.summary ?? "") : "",
      });
    }
  }
  return rows;
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
