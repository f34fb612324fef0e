// What `npm run docs` writes: self-contained pages, the spec files for download, and a landing page
// whose "try it" commands do what it says against the mock and the sandbox.
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { type RunningServer, startPrism } from "../../scripts/lib/processes.ts";
import { guideDir, repoRoot } from "../../src/docs/build.ts";
import { walkthroughBlocks } from "../../src/docs/guide.ts";
import { type Sandbox, startSandbox } from "../../src/sandbox/server.ts";
import { loadSpec, operations } from "../../src/spec/openapi.ts";
import { run } from "./code-samples.ts";
import { buildAndServe, type ServedSite } from "./site.ts";
import { isChinese } from "./text-nodes.ts";

let site: ServedSite;
const read = (path: string) => readFileSync(join(site.report.outDir, path), "utf8");

beforeAll(async () => {
  site = await buildAndServe();
});
afterAll(async () => {
  await site?.close();
});

describe("reference pages", () => {
  it.each([["en"], ["zh-CN"]])("%s is one self-contained HTML file with Redoc inlined and telemetry off", (lang) => {
    const html = read(`${lang}/index.html`);
    expect(html).toContain(`<html lang="${lang}">`);
    expect(html).toContain('"disableTelemetry":true');
    // No script, stylesheet or module is loaded from anywhere: everything is inline.
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/<link[^>]+(?:rel="(?:stylesheet|modulepreload)")[^>]*>/);
    expect(html).not.toContain("cdn.redocly.com/redoc/v");
  });

  it("the zh-CN page embeds the Chinese document and links back to the English one", () => {
    const html = read("zh-CN/index.html");
    expect(html).toContain("批量添加镜像成员");
    expect(html).toContain('href="../en/index.html"');
    expect(read("en/index.html")).toContain('href="../zh-CN/index.html"');
  });
});

describe("downloads", () => {
  it("offers the bundled spec byte for byte as generated/", () => {
    expect(read("openapi.yaml")).toBe(readFileSync(join(repoRoot, "generated", "openapi.yaml"), "utf8"));
    expect(read("openapi.json")).toBe(readFileSync(join(repoRoot, "generated", "openapi.json"), "utf8"));
  });

  it("offers the Chinese rendition as an OpenAPI document with code samples", () => {
    const zh = parse(read("zh-CN/openapi.yaml")) as {
      openapi: string;
      info: { title: string };
      paths: Record<string, Record<string, { "x-codeSamples"?: unknown[] }>>;
    };
    expect(zh.openapi).toBe("3.1.0");
    expect(isChinese(zh.info.title)).toBe(true);
    expect(zh.paths["/v1/cloudimages/members"]?.post?.["x-codeSamples"]).toHaveLength(2);
  });

  it("serves every file over HTTP with a fitting content type", async () => {
    const types: Record<string, RegExp> = {
      "": /text\/html/,
      "en/": /text\/html/,
      "openapi.json": /application\/json/,
      "openapi.yaml": /application\/yaml/,
    };
    for (const [path, type] of Object.entries(types)) {
      const response = await fetch(new URL(path, site.server.url));
      expect(response.status, path).toBe(200);
      expect(response.headers.get("content-type"), path).toMatch(type);
    }
  });

  it("serves nothing outside the site folder", async () => {
    // Raw requests: fetch would normalise the dots away before sending.
    for (const path of ["/../../package.json", "/%2e%2e/%2e%2e/package.json", "/..%2f..%2fpackage.json"]) {
      expect(await rawStatus(site.server.url, path), path).toBe(404);
    }
  });
});

describe("compression and caching", () => {
  it.each([
    ["br", "br"],
    ["gzip", "gzip"],
    ["gzip, deflate, br", "br"],
    ["identity", undefined],
  ])("Accept-Encoding %s gets %s, with an ETag, under 1 MB per page", async (accept, expected) => {
    for (const path of ["/en/", "/zh-CN/"]) {
      const first = await raw(site.server.url, path, { "accept-encoding": accept });
      expect(first.headers["content-encoding"], path).toBe(expected);
      expect(first.headers.vary).toBe("Accept-Encoding");
      expect(first.headers["cache-control"]).toBe("no-cache");
      if (expected) expect(first.bytes, path).toBeLessThan(1_000_000);
      const again = await raw(site.server.url, path, {
        "accept-encoding": accept,
        "if-none-match": String(first.headers.etag),
      });
      expect(again.status).toBe(304);
      expect(again.bytes).toBe(0);
    }
  });

  it("redirects a folder without its slash, so relative links stay inside it", async () => {
    const answer = await raw(site.server.url, "/zh-CN", {});
    expect([answer.status, answer.headers.location]).toEqual([301, "/zh-CN/"]);
  });
});

describe("getting started", () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, quiet: true, jobDelayMs: 0 });
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it.each([["en"], ["zh-CN"]])(
    "the %s walk-through runs as printed: share, poll until SUCCESS, accept",
    async (lang) => {
      const markdown = readFileSync(join(guideDir, `getting-started.${lang}.md`), "utf8");
      const script = walkthroughBlocks(markdown).join("\n").replaceAll("http://127.0.0.1:9292", sandbox.url);
      expect(script).toContain("JOB_ID=");
      const { stdout } = await run("bash", ["-euo", "pipefail", "-c", script]);
      expect(stdout).toMatch(/^job [0-9a-f]{32}\n/);
      expect(stdout).toContain("job SUCCESS\n");
      expect(stdout).toContain('"status":"accepted"');
    },
  );
});

describe("landing page", () => {
  it("lists every operation with its English and Chinese summary", () => {
    const html = read("index.html");
    for (const { op } of operations(loadSpec())) {
      const row = new RegExp(`<tr id="op-${op.operationId}">.*?</tr>`).exec(html)?.[0] ?? "";
      expect(row, op.operationId).toContain(op.summary ?? "?");
      expect(isChinese(row.replace(/<[^>]+>/g, "")), op.operationId).toBe(true);
    }
    expect(html).not.toMatch(/\{\{\w+\}\}/);
  });

  const tryIt = (target: string) =>
    [...read("index.html").matchAll(/<pre class="try" data-target="(\w+)" data-status="(\d+)">(.*?)<\/pre>/gs)]
      .filter((m) => m[1] === target)
      .map((m) => ({ status: m[2] ?? "", command: decodeEntities(m[3] ?? "") }));

  describe("try-it commands against the mock", () => {
    let prism: RunningServer;
    beforeAll(async () => {
      prism = await startPrism();
    });
    afterAll(async () => {
      await prism?.stop();
    });

    it("each answers with the status the page promises", async () => {
      const commands = tryIt("mock");
      expect(commands.length).toBeGreaterThanOrEqual(3);
      for (const { status, command } of commands) {
        const local = command.replaceAll("http://127.0.0.1:4010", prism.url);
        const { stdout } = await run("bash", ["-c", `${local} -o /dev/null -w '%{http_code}'`]);
        expect(stdout, command).toBe(status);
      }
    });
  });

  describe("try-it commands against the sandbox", () => {
    let sandbox: Sandbox;
    beforeAll(async () => {
      sandbox = await startSandbox({ port: 0, quiet: true });
    });
    afterAll(async () => {
      await sandbox?.close();
    });

    it("run in order on the default seed, each with the status the page promises", async () => {
      const commands = tryIt("sandbox");
      expect(commands.length).toBeGreaterThanOrEqual(3);
      for (const { status, command } of commands) {
        const local = command.replaceAll("http://127.0.0.1:9292", sandbox.url);
        const { stdout } = await run("bash", ["-c", `${local} -o /dev/null -w '%{http_code}'`]);
        expect(stdout, command).toBe(status);
      }
    });
  });
});

function rawStatus(base: string, path: string): Promise<number> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    request({ host: hostname, port, path }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    })
      .on("error", reject)
      .end();
  });
}

function decodeEntities(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

function raw(
  base: string,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; bytes: number }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    request({ host: hostname, port, path, headers }, (response) => {
      let bytes = 0;
      response.on("data", (chunk: Buffer) => {
        bytes += chunk.length;
      });
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, bytes }));
    })
      .on("error", reject)
      .end();
  });
}
