// Renders a run: progress lines, the operation x check table, failure details (request, response,
// reason), and the JUnit XML and JSON reports.
import { type CheckName, checkOf } from "./checks/registry.ts";
import type { Finding } from "./findings.ts";
import { type Exchange, redactHeaders } from "./http.ts";
import type { CellResult, CellStatus, CheckSummary, RunResult } from "./run.ts";

const mark: Record<CellStatus, string> = {
  passed: "pass",
  failed: "FAIL",
  inconclusive: "?",
  skipped: "skip",
  "not-run": "-",
};

export function progressLine(summary: CheckSummary): string {
  const symbol = summary.status === "failed" ? "✗" : summary.status === "passed" ? "✓" : "·";
  const detail =
    summary.status === "failed"
      ? `${summary.failed} of ${summary.assertions} assertions failed`
      : summary.status === "passed"
        ? `${summary.assertions} assertions`
        : summary.status;
  return `${symbol} ${summary.check.padEnd(30)} ${detail}`;
}

export function renderTable(result: RunResult): string {
  const checks = result.checks;
  const width = Math.max(9, ...result.operations.map((o) => o.length));
  const header = ["operation".padEnd(width), ...checks.map((c) => checkOf(c).label.padEnd(8))].join("  ");
  const rows = result.operations.map((op) =>
    [op.padEnd(width), ...checks.map((c) => mark[cell(result, op, c)?.status ?? "not-run"].padEnd(8))].join("  "),
  );
  const legend = checks.map((c) => `${checkOf(c).label} = ${c}`).join(", ");
  return [
    header,
    "-".repeat(header.length),
    ...rows,
    "",
    `(${legend}; ? = could not be judged, skip = not applicable here or left out, - = nothing to judge)`,
  ].join("\n");
}

function cell(result: RunResult, operation: string, check: CheckName): CellResult | undefined {
  return result.cells.find((c) => c.operation === operation && c.check === check);
}

const maxCausesShown = 10;

/** The failures of a cell grouped by the rule they break, most frequent first. */
export function causes(cell: CellResult): { rule: string; failures: Finding[] }[] {
  const groups = new Map<string, Finding[]>();
  for (const f of cell.failures) groups.set(f.rule, [...(groups.get(f.rule) ?? []), f]);
  return [...groups]
    .map(([rule, failures]) => ({ rule, failures }))
    .sort((a, b) => b.failures.length - a.failures.length);
}

export function renderFailures(result: RunResult): string {
  const failed = result.cells.filter((c) => c.status === "failed");
  if (failed.length === 0) return "";
  const blocks = failed.map((c) => {
    const groups = causes(c);
    const shown = groups.slice(0, maxCausesShown).map(({ rule, failures }) => {
      const first = failures[0] as Finding;
      const count = `${failures.length} request${failures.length === 1 ? "" : "s"}`;
      return [`  • ${rule} (${count})`, indent(renderFinding(first), "    ")].join("\n");
    });
    const more =
      groups.length > maxCausesShown ? [`  ... and ${groups.length - maxCausesShown} more causes (see --json)`] : [];
    return [
      `✗ ${c.operation} › ${c.check} (${c.failures.length} of ${c.assertions} failed, ${groups.length} cause${groups.length === 1 ? "" : "s"})`,
      ...shown,
      ...more,
    ].join("\n");
  });
  return ["Failures, by the rule broken", "", blocks.join("\n\n")].join("\n");
}

export function renderFinding(finding: Finding): string {
  const lines = [`reason: ${finding.reason}`];
  if (finding.exchange) lines.push(renderExchange(finding.exchange), `reproduce: ${curlCommand(finding.exchange)}`);
  return lines.join("\n");
}

/** A curl command that sends the recorded request again, with credentials masked. */
export function curlCommand(exchange: Exchange): string {
  const { request } = exchange;
  const parts = ["curl", "-sS", "-i", "-X", request.method, quote(request.url)];
  for (const [name, value] of Object.entries(redactHeaders(request.headers)))
    if (name !== "User-Agent") parts.push("-H", quote(`${name}: ${value}`));
  // Without an Accept header of ours, curl would add `Accept: */*`; an empty one removes it.
  if (!Object.keys(request.headers).some((n) => n.toLowerCase() === "accept")) parts.push("-H", quote("Accept:"));
  if (request.body !== undefined) parts.push("--data-binary", quote(request.body));
  return parts.join(" ");
}

function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

const bodyLimit = 1500;

export function renderExchange(exchange: Exchange): string {
  const { request, response } = exchange;
  const requestLines = [`request (${exchange.purpose}; as ${exchange.actor}):`, `  ${request.method} ${request.url}`];
  for (const [name, value] of Object.entries(redactHeaders(request.headers))) requestLines.push(`  ${name}: ${value}`);
  if (request.body !== undefined) requestLines.push(`  ${clip(request.body)}`);
  const responseLines = response
    ? [
        `response (${response.durationMs} ms):`,
        `  ${response.status} ${response.statusText}`,
        ...Object.entries(response.headers)
          .filter(([n]) => !/^(date|connection|keep-alive)$/.test(n))
          .map(([n, v]) => `  ${n}: ${v}`),
        ...(response.body ? [`  ${clip(response.body)}`] : []),
      ]
    : [`response: none (${exchange.error})`];
  return [...requestLines, ...responseLines].join("\n");
}

/** The first `bodyLimit` characters, with control characters (other than tab, newline and carriage return) shown as U+FFFD. */
function clip(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this replaces
  const shown = text.slice(0, bodyLimit).replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, "\uFFFD");
  return text.length > bodyLimit ? `${shown}... (${text.length} characters)` : shown;
}

function indent(text: string, prefix: string): string {
  return text
    .split("\n")
    .map((l) => prefix + l)
    .join("\n");
}

export function renderSummary(result: RunResult): string {
  const counts = { passed: 0, failed: 0, inconclusive: 0, skipped: 0, "not-run": 0 };
  for (const c of result.cells) counts[c.status]++;
  const verdict = result.passed ? "PASSED" : "FAILED";
  const lines = [
    `${verdict}: ${counts.failed} failed, ${counts.inconclusive} inconclusive, ${counts.passed} passed, ${counts.skipped} skipped, ${counts["not-run"]} with nothing to judge (operation x check) · ${result.requests} requests in ${(result.durationMs / 1000).toFixed(1)} s`,
  ];
  for (const c of result.cells.filter((c) => c.status === "inconclusive"))
    lines.push(`cannot judge ${c.operation} › ${c.check}: ${[...new Set(c.notes)].join("; ")}`);
  const skipped = new Map<string, string[]>();
  for (const c of result.cells.filter((c) => c.status === "skipped"))
    for (const note of new Set(c.notes))
      skipped.set(note, [...(skipped.get(note) ?? []), `${c.operation} › ${c.check}`]);
  for (const [reason, cells] of skipped) lines.push(`skipped (${reason}): ${cells.join(", ")}`);
  for (const note of result.notes) lines.push(`note: ${note}`);
  const d = result.deviations;
  if (d) {
    const show = (x: { operation: string; check: string; rule: string }) => `${x.operation} › ${x.check} › ${x.rule}`;
    lines.push(
      `known deviations: ${d.expected} listed, ${d.expected - d.fixed.length} still there, ${d.new.length} new, ${d.fixed.length} fixed`,
    );
    for (const x of d.new) lines.push(`  new:   ${show(x)}`);
    for (const x of d.fixed) lines.push(`  fixed: ${show(x)}`);
  }
  if (result.leftovers.length > 0)
    lines.push(`left in place: ${result.leftovers.map((p) => `${p.project} on ${p.image}`).join(", ")}`);
  return lines.join("\n");
}

export function renderReport(result: RunResult): string {
  return [renderTable(result), renderFailures(result), renderSummary(result)].filter((s) => s !== "").join("\n\n");
}

/** JUnit XML: one test suite per check, one test case per operation. */
export function junitReport(result: RunResult): string {
  const suites = result.checks.map((check) => {
    const cells = result.cells.filter((c) => c.check === check);
    const cases = cells.map((c) => {
      const name = `name="${xml(c.operation)}" classname="ims-contract.${check}"`;
      if (c.status === "failed") {
        const detail = c.failures.map((f) => renderFinding(f)).join("\n\n");
        return `    <testcase ${name}>\n      <failure message="${xml(c.failures[0]?.reason.split("\n")[0] ?? "failed")}" type="${check}">${xml(detail)}</failure>\n    </testcase>`;
      }
      if (c.status === "inconclusive")
        return `    <testcase ${name}>\n      <error message="${xml(c.notes.join("; "))}" type="inconclusive"/>\n    </testcase>`;
      if (c.status !== "passed")
        return `    <testcase ${name}>\n      <skipped message="${xml(c.notes.join("; ") || "nothing to judge")}"/>\n    </testcase>`;
      return `    <testcase ${name}/>`;
    });
    const failures = cells.filter((c) => c.status === "failed").length;
    const skipped = cells.filter((c) => c.status === "skipped" || c.status === "not-run").length;
    const errors = cells.filter((c) => c.status === "inconclusive").length;
    return `  <testsuite name="${check}" tests="${cells.length}" failures="${failures}" errors="${errors}" skipped="${skipped}">\n${cases.join("\n")}\n  </testsuite>`;
  });
  const failures = result.cells.filter((c) => c.status === "failed").length;
  const errors = result.cells.filter((c) => c.status === "inconclusive").length;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="ims-contract" tests="${result.cells.length}" failures="${failures}" errors="${errors}" time="${(result.durationMs / 1000).toFixed(3)}" timestamp="${result.startedAt}">\n${suites.join("\n")}\n</testsuites>\n`;
}

function xml(text: string): string {
  // Characters XML 1.0 cannot carry at all are dropped; the markup ones are escaped.
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters XML 1.0 forbids
      .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD]/g, "")
      .replace(
        /[<>&"']/g,
        (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c] as string,
      )
  );
}

/** The JSON report: the whole result, with credentials masked in the recorded requests. */
export function jsonReport(result: RunResult): string {
  const redact = (f: Finding) =>
    f.exchange
      ? {
          ...f,
          exchange: {
            ...f.exchange,
            request: { ...f.exchange.request, headers: redactHeaders(f.exchange.request.headers) },
          },
          reproduce: curlCommand(f.exchange),
        }
      : f;
  return `${JSON.stringify({ tool: "ims-contract", ...result, cells: result.cells.map((c) => ({ ...c, failures: c.failures.map(redact) })) }, null, 2)}\n`;
}
