// The built reference pages in a real browser (Debian's headless Chromium through playwright-core):
// both languages render every operation, with examples and code samples, and need no outside host.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docsDocuments } from "../../src/docs/build.ts";
import type { JsonObject } from "../../src/docs/overlay.ts";
import {
  deref,
  type MediaTypeObject,
  type OpenApiDocument,
  type OperationObject,
  operations,
  type ResponseObject,
} from "../../src/spec/openapi.ts";
import { launchChromium } from "./chromium.ts";
import { buildAndServe, type ServedSite, screenshotDir } from "./site.ts";

// Redoc's "API docs by Redocly" badge always points at this logo; the page falls back to text when it
// cannot load. It is the only outside request the page may make, and the test blocks it too.
const harmlessOutside = new Set([
  "https://cdn.redoc.ly/redoc/logo-mini-full.svg",
  "https://cdn.redoc.ly/redoc/logo-mini.svg",
]);

let site: ServedSite;
let browser: Browser;
let documents: { en: JsonObject; zh: JsonObject };

beforeAll(async () => {
  [site, browser, documents] = await Promise.all([buildAndServe(), launchChromium(), docsDocuments()]);
  mkdirSync(screenshotDir, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
});

interface Visit {
  page: Page;
  outside: string[];
  localFailures: string[];
  errors: string[];
}

/** Opens a page with every request to a non-local host recorded and refused. */
async function visit(path: string): Promise<Visit> {
  const origin = new URL(site.server.url).origin;
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const visitState: Visit = { page: await context.newPage(), outside: [], localFailures: [], errors: [] };
  await context.route("**/*", async (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith(`blob:${origin}`) || url.startsWith("data:")) return route.continue();
    visitState.outside.push(url);
    return route.abort("internetdisconnected");
  });
  visitState.page.on("requestfailed", (request) => {
    if (request.url().startsWith(origin)) visitState.localFailures.push(request.url());
  });
  visitState.page.on("pageerror", (error) => visitState.errors.push(error.message));
  await visitState.page.goto(new URL(path, site.server.url).href);
  return visitState;
}

const languages = [
  { lang: "en", doc: () => documents.en, tagLabel: (t: JsonObject) => String(t.name) },
  { lang: "zh-CN", doc: () => documents.zh, tagLabel: (t: JsonObject) => String(t["x-displayName"]) },
] as const;

describe.each(languages)("$lang reference page", ({ lang, doc, tagLabel }) => {
  let visited: Visit;
  let ops: ReturnType<typeof operations>;

  beforeAll(async () => {
    ops = operations(doc() as unknown as OpenApiDocument);
    visited = await visit(`${lang}/`);
    const title = String((doc().info as JsonObject).title);
    await visited.page
      .getByRole("heading", { name: new RegExp(title) })
      .first()
      .waitFor({ timeout: 15_000 });
  });
  afterAll(async () => {
    await visited?.page.context().close();
  });

  it("declares its language", async () => {
    expect(await visited.page.getAttribute("html", "lang")).toBe(lang);
  });

  it("shows every operation's summary once its tag is expanded", async () => {
    const { page } = visited;
    const menu = page.locator('[data-component-name="Menu/Menu"]');
    // Redoc keeps one tag open at a time: expand each and check its operations.
    for (const tag of doc().tags as JsonObject[]) {
      await menu.getByText(tagLabel(tag), { exact: true }).click();
      for (const { op } of ops.filter((o) => o.op.tags?.includes(String(tag.name)))) {
        await menu.getByText(op.summary ?? "", { exact: true }).waitFor({ state: "visible", timeout: 15_000 });
      }
      if (tag === (doc().tags as JsonObject[])[0])
        await page.screenshot({ path: join(screenshotDir, `${lang}-tag-expanded.png`) });
    }
  }, 90_000);

  it("shows request and response examples and both code samples for every operation", async () => {
    const { page } = visited;
    const menu = page.locator('[data-component-name="Menu/Menu"]');
    const openApi = doc() as unknown as OpenApiDocument;
    for (const { op } of ops) {
      const tag = (doc().tags as JsonObject[]).find((t) => op.tags?.includes(String(t.name)));
      await menu.getByText(tagLabel(tag ?? {}), { exact: true }).click();
      await menu.getByText(op.summary ?? "", { exact: true }).click();
      // Each operation renders in a container whose id ends with its lower-cased operationId.
      const section = page.locator(`[id$="/${op.operationId.toLowerCase()}"]`);
      await section
        .locator("h2")
        .filter({ hasText: op.summary ?? "" })
        .first()
        .waitFor({ timeout: 15_000 });
      const { curl, typescript, request, response } = expectedSnippets(openApi, op);
      await section.getByText(curl).first().waitFor({ timeout: 15_000 });
      if (response) await section.getByText(response).first().waitFor({ timeout: 15_000 });
      await chooseLanguage(page, section, "TypeScript");
      await section.getByText(typescript).first().waitFor({ timeout: 15_000 });
      if (request) {
        await chooseLanguage(page, section, lang === "en" ? "Payload" : "请求体示例");
        await section.getByText(request).first().waitFor({ timeout: 15_000 });
      }
      if (op.operationId === "updateImageMember")
        await section.screenshot({ path: join(screenshotDir, `${lang}-operation.png`) });
      await chooseLanguage(page, section, "curl");
    }
  }, 90_000);

  it("made no request to an outside host except the Redoc badge logo, and none of its own requests failed", () => {
    expect(visited.outside.filter((url) => !harmlessOutside.has(url))).toEqual([]);
    expect(visited.localFailures).toEqual([]);
    expect(visited.errors).toEqual([]);
  });
});

describe("landing page", () => {
  it("links both languages and the spec files, and every link resolves on the site", async () => {
    const { page, outside } = await visit("");
    const links = await page
      .locator("a[href]")
      .evaluateAll((anchors) => anchors.map((a) => (a as HTMLAnchorElement).href));
    for (const expected of [
      "en/index.html",
      "zh-CN/index.html",
      "openapi.yaml",
      "openapi.json",
      "zh-CN/openapi.yaml",
    ]) {
      expect(links).toContain(new URL(expected, site.server.url).href);
    }
    for (const link of links) expect((await fetch(link, { method: "HEAD" })).status, link).toBe(200);
    await page.screenshot({ path: join(screenshotDir, "landing.png"), fullPage: true });
    await page.getByText("中文参考文档").click();
    await page.getByText("镜像成员", { exact: true }).first().waitFor({ timeout: 15_000 });
    expect(outside.filter((url) => !harmlessOutside.has(url))).toEqual([]);
    await page.context().close();
  });
});

/** Text that must appear in an operation's section: its code samples and its request and response examples. */
function expectedSnippets(doc: OpenApiDocument, op: OperationObject) {
  const samples = (op as unknown as { "x-codeSamples": { label: string; source: string }[] })["x-codeSamples"];
  const firstLine = (label: string, start: string) =>
    samples
      .find((s) => s.label === label)
      ?.source.split("\n")
      .find((l) => l.startsWith(start)) ?? `no ${label} sample`;
  const firstExample = (media: MediaTypeObject | undefined) => {
    const [example] = Object.values(media?.examples ?? {});
    return example ? jsonLine(deref(doc, example).value) : undefined;
  };
  const success = Object.entries(op.responses).find(([status]) => status.startsWith("2"))?.[1];
  return {
    curl: firstLine("curl", "curl").slice(0, 30),
    typescript: firstLine("TypeScript", "import"),
    request: firstExample(op.requestBody?.content["application/json"]),
    response: success ? firstExample(deref<ResponseObject>(doc, success).content?.["application/json"]) : undefined,
  };
}

/** How Redoc prints the last top-level field of an example: `"schema": "/v2/schemas/member"`, `"images": [`. */
function jsonLine(value: unknown): string | undefined {
  const entries = Object.entries((value ?? {}) as Record<string, unknown>);
  const [key, last] = entries[entries.length - 1] ?? [];
  if (key === undefined) return undefined;
  const shown = Array.isArray(last) ? "[" : typeof last === "object" && last !== null ? "{" : JSON.stringify(last);
  return `"${key}": ${shown}`;
}

/** Picks a sample language in the section's request panel (Redoc applies the choice page-wide). */
async function chooseLanguage(page: Page, section: ReturnType<Page["locator"]>, label: string) {
  const current = section.getByRole("button", { name: /^(curl|TypeScript|Payload|请求体示例)$/ }).first();
  if ((await current.textContent())?.trim() === label) return;
  await current.click();
  await page
    .locator('[data-component-name="Dropdown/DropdownMenuItem"]:visible')
    .filter({ hasText: new RegExp(`^${label}$`) })
    .first()
    .click();
}
