// Report rendering details that a live run rarely exercises: markup and control characters from a
// server's response must not break the JUnit XML, and long bodies are clipped in the text report.
import { describe, expect, test } from "vitest";
import { compareDeviations } from "../../src/contract/deviations.ts";
import type { Finding } from "../../src/contract/findings.ts";
import type { Exchange } from "../../src/contract/http.ts";
import { causes, curlCommand, junitReport, renderExchange, renderFailures } from "../../src/contract/report.ts";
import type { CellResult, RunResult } from "../../src/contract/run.ts";

const exchange: Exchange = {
  id: 1,
  operation: "listImageMembers",
  purpose: "test",
  actor: "owner",
  params: {},
  request: {
    method: "GET",
    url: "http://127.0.0.1:1/v2/images/x/members",
    headers: { "X-Auth-Token": "a-long-secret-token" },
  },
  response: {
    status: 200,
    statusText: "OK",
    headers: { "content-type": "text/html" },
    body: `<html>&"quoted"\u0000\u0007${"x".repeat(3000)}</html>`,
    durationMs: 1,
  },
};

const result: RunResult = {
  baseUrl: "http://127.0.0.1:1",
  profile: "openstack",
  startedAt: "2026-01-01T00:00:00.000Z",
  durationMs: 5,
  operations: ["listImageMembers"],
  checks: ["content_type_conformance"],
  cells: [
    {
      operation: "listImageMembers",
      check: "content_type_conformance",
      status: "failed",
      assertions: 1,
      failures: [
        {
          check: "content_type_conformance",
          operation: "listImageMembers",
          outcome: "fail",
          rule: "ctype.200-text/html",
          reason: "Content-Type <text/html> & co",
          exchange,
        },
      ],
      notes: [],
    },
  ],
  requests: 1,
  leftovers: [],
  notes: [],
  passed: false,
};

describe("JUnit report", () => {
  const xml = junitReport(result);

  test("escapes markup and drops characters XML cannot carry", () => {
    expect(xml).toContain('message="Content-Type &lt;text/html&gt; &amp; co"');
    expect(xml).toContain("&lt;html&gt;&amp;&quot;quoted&quot;");
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for control characters
    expect(xml).not.toMatch(/[\u0000\u0007]/);
  });

  test("holds no raw markup from the response", () => {
    const body = xml.slice(xml.indexOf("<failure"), xml.indexOf("</failure>"));
    expect(body).not.toContain("<html>");
  });
});

describe("text report", () => {
  test("masks the token, clips long bodies and replaces control characters", () => {
    const text = renderExchange(exchange);
    expect(text).not.toContain("a-long-secret-token");
    expect(text).toContain("X-Auth-Token: a-l***en");
    expect(text).toContain(`... (${exchange.response?.body.length} characters)`);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for control characters
    expect(text).not.toMatch(/[\u0000\u0007]/);
  });
});

describe("reproducers and causes", () => {
  test("the curl command masks credentials, quotes for the shell and sends the body as is", () => {
    const curl = curlCommand({
      ...exchange,
      request: {
        method: "POST",
        url: "http://127.0.0.1:1/v2/images/x/members",
        headers: { "X-Auth-Token": "a-long-secret-token", "Content-Type": "application/json" },
        body: `{"member":"it's"}`,
      },
    });
    expect(curl).not.toContain("a-long-secret-token");
    expect(curl).toBe(
      `curl -sS -i -X POST 'http://127.0.0.1:1/v2/images/x/members' -H 'X-Auth-Token: a-l***en' -H 'Content-Type: application/json' -H 'Accept:' --data-binary '{"member":"it'\\''s"}'`,
    );
  });

  test("failures are grouped by rule, most frequent first, one line per cause with its count", () => {
    const failure = (rule: string) => ({ ...(result.cells[0]?.failures[0] as Finding), rule });
    const cell = { ...(result.cells[0] as CellResult), failures: [failure("a"), failure("b"), failure("b")] };
    expect(causes(cell).map((c) => [c.rule, c.failures.length])).toEqual([
      ["b", 2],
      ["a", 1],
    ]);
    const text = renderFailures({ ...result, cells: [cell] });
    expect(text).toContain("  • b (2 requests)");
    expect(text).toContain("  • a (1 request)");
    expect(text).toContain("reproduce: curl -sS -i -X GET");
  });

  test("known deviations: failures not listed are new, listed ones that did not occur are fixed", () => {
    const failures = [{ ...(result.cells[0]?.failures[0] as Finding), rule: "r1" }];
    const report = compareDeviations(
      [
        { operation: "listImageMembers", check: "content_type_conformance", rule: "r2" },
        { operation: "showJob", check: "stateful_flows", rule: "r1" },
      ],
      failures,
    );
    expect(report.new).toEqual([{ operation: "listImageMembers", check: "content_type_conformance", rule: "r1" }]);
    expect(report.fixed.map((d) => d.rule)).toEqual(["r2", "r1"]);
  });
});
