// The reference pages as a reader uses them (issue 11): every response shows its own text, the Chinese
// page has no English interface label, a newcomer finds a getting-started path and the error codes,
// links keep their place (over HTTP and from file://), nothing overflows on a phone, and try-it sends
// requests to the local mock and sandbox.
import { statSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startPrism } from "../../scripts/lib/processes.ts";
import { docsDocuments } from "../../src/docs/build.ts";
import type { JsonObject } from "../../src/docs/overlay.ts";
import { type Sandbox, startSandbox } from "../../src/sandbox/server.ts";
import { deref, type OpenApiDocument, operations, type ResponseObject } from "../../src/spec/openapi.ts";
import { launchChromium } from "./chromium.ts";
import { buildAndServe, type ServedSite } from "./site.ts";

let site: ServedSite;
let browser: Browser;
let prism: RunningServer;
let sandbox: Sandbox;
let documents: { en: JsonObject; zh: JsonObject };

beforeAll(async () => {
  [prism, sandbox] = await Promise.all([startPrism(), startSandbox({ port: 0, quiet: true })]);
  [site, browser, documents] = await Promise.all([
    buildAndServe({ proxy: { "/try/mock": prism.url, "/try/sandbox": sandbox.url } }),
    launchChromium(),
    docsDocuments(),
  ]);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await site?.close();
  await prism?.stop();
  await sandbox?.close();
});

const slug = (text: string) => text.toLowerCase().replace(/\s+/g, "-");
/** Redoc's route of an operation: `#/<tag slug>/<lower-cased operationId>`. */
const route = (tag: string, operationId: string) => `#/${slug(tag)}/${operationId.toLowerCase()}`;

async function open(path: string, viewport = { width: 1400, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  await page.goto(path.includes("://") ? path : new URL(path, site.server.url).href);
  return page;
}

/** Markdown as the page shows it: the first line, without emphasis, code ticks and link targets. */
function shownText(markdown: string): string {
  const line = markdown.trim().split("\n")[0] ?? "";
  return line
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/[*`]/g, "")
    .slice(0, 60)
    .trim();
}

const languages = [
  { lang: "en", doc: () => documents.en },
  { lang: "zh-CN", doc: () => documents.zh },
] as const;

describe.each(languages)("$lang page, every response", ({ lang, doc }) => {
  it("shows the operation's own description under each status", async () => {
    const openApi = doc() as unknown as OpenApiDocument;
    const page = await open(`${lang}/`);
    const wrong: string[] = [];
    for (const { op } of operations(openApi)) {
      const id = `${slug(op.tags?.[0] ?? "")}/${op.operationId.toLowerCase()}`;
      await page.goto(new URL(`${lang}/${route(op.tags?.[0] ?? "", op.operationId)}`, site.server.url).href);
      const section = page.locator(`[id="${id}"]`);
      await section.locator("h2").first().waitFor({ timeout: 15_000 });
      for (const [status, response] of Object.entries(op.responses)) {
        // The operation's own text: a description written next to a $ref wins over the shared one.
        const own = response.description ?? deref<ResponseObject>(openApi, response).description ?? "";
        await page.locator(`[id="${id}/responses"]`).getByRole("tab", { name: status, exact: true }).click();
        const visible = await section
          .getByText(shownText(own))
          .first()
          .isVisible()
          .catch(() => false);
        if (!visible) wrong.push(`${op.operationId} ${status}: "${shownText(own)}"`);
      }
    }
    await page.context().close();
    expect(wrong).toEqual([]);
  }, 180_000);
});

describe("zh-CN page", () => {
  it("has no English interface label, in the text or in labels a reader sees", async () => {
    const page = await open("zh-CN/");
    const content = contentWords(documents.zh);
    const labels = new Set<string>();
    // Visit what a reader visits: every operation, with two of its responses open (Redoc renders one at a time).
    for (const { op } of operations(documents.zh as unknown as OpenApiDocument)) {
      await page.goto(new URL(`zh-CN/${route(op.tags?.[0] ?? "", op.operationId)}`, site.server.url).href);
      const id = `${slug(op.tags?.[0] ?? "")}/${op.operationId.toLowerCase()}`;
      await page.locator(`[id="${id}"] h2`).first().waitFor({ timeout: 15_000 });
      const tabs = page.locator(`[id="${id}/responses"]`).getByRole("tab");
      // The success response (e.g. a 204's "No content") and an error response.
      for (const tab of [tabs.first(), tabs.last()]) {
        await tab.click();
        for (const text of await latinTexts(page))
          if ((text.match(/[A-Za-z][A-Za-z-]{2,}/g) ?? []).some((word) => !content.has(word.toLowerCase())))
            labels.add(text);
      }
    }
    await page.context().close();
    expect([...labels]).toEqual([]);
  }, 120_000);
});

/** Text nodes and the labels of controls that hold Latin words, outside code and the link to the English page. */
function latinTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || parent.closest('code, pre, script, style, svg, kbd, [lang="en"]')) continue;
      const text = node.textContent?.trim() ?? "";
      // A key name such as Ctrl+K is the same in every language.
      if (/^(Ctrl|Cmd|Alt|Shift)\+\w$/.test(text)) continue;
      if (/[A-Za-z]{3,}/.test(text)) found.push(text);
    }
    for (const element of document.querySelectorAll("[placeholder], [aria-label], [title]")) {
      if (element.closest('[lang="en"]')) continue;
      for (const name of ["placeholder", "aria-label", "title"]) {
        const value = element.getAttribute(name);
        if (value && /[A-Za-z]{3,}/.test(value)) found.push(value);
      }
    }
    return found;
  });
}

/**
 * Words that are content, not interface: every string value of the document (names, enum values,
 * examples, formats) and the names of properties, headers, examples, links, server variables and
 * security schemes.
 */
function contentWords(doc: unknown): Set<string> {
  const words = new Set<string>();
  const add = (text: string) => {
    for (const word of text.toLowerCase().match(/[a-z][a-z-]{2,}/g) ?? []) words.add(word);
  };
  const named = new Set(["properties", "headers", "examples", "links", "variables", "schemas", "securitySchemes"]);
  const walk = (node: unknown, key: string) => {
    if (typeof node === "string") add(node);
    else if (Array.isArray(node)) for (const item of node) walk(item, "");
    else if (typeof node === "object" && node !== null)
      for (const [k, v] of Object.entries(node)) {
        if (named.has(key)) add(k);
        walk(v, k);
      }
  };
  walk(doc, "");
  return words;
}

describe("getting started and error codes", () => {
  it.each(languages)(
    "the $lang page has both sections in its sidebar, with the error-code table",
    async ({ lang }) => {
      const page = await open(`${lang}/#/getting-started`);
      const heading = lang === "en" ? "Getting started" : "入门指南";
      await page.getByRole("heading", { name: heading }).first().waitFor({ timeout: 15_000 });
      await page.goto(new URL(`${lang}/#/error-codes`, site.server.url).href);
      const table = page.locator("table").filter({ hasText: "APIG.0301" });
      await table.first().waitFor({ timeout: 15_000 });
      expect(await table.first().getByText("IMG.0089").count()).toBe(1);
      await page.context().close();
    },
    60_000,
  );
});

describe("navigation", () => {
  it("the language switch keeps the reader's place", async () => {
    const page = await open("en/#/jobs/showjob");
    await page.locator('[id="jobs/showjob"] h2').first().waitFor({ timeout: 15_000 });
    await page.locator("nav.ims-lang-bar").getByText("中文").click();
    await page.waitForURL(/zh-CN\/(index\.html)?#\/jobs\/showjob$/);
    await page.locator('[id="jobs/showjob"] h2').filter({ hasText: "查询" }).first().waitFor({ timeout: 15_000 });
    await page.context().close();
  }, 60_000);

  it("sidebar links open the same page at the right place, also in a new tab", async () => {
    const page = await open("en/");
    const menu = page.locator('[data-component-name="Menu/Menu"]');
    await menu.locator("a").first().waitFor({ timeout: 15_000 });
    const hrefs = await menu.locator("a[href]").evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
    expect(hrefs.length).toBeGreaterThan(3);
    for (const href of hrefs) expect(new URL(href).pathname, href).toBe(new URL(page.url()).pathname);
    const tabbed = await open(hrefs.find((h) => h.endsWith("#/batch-sharing")) ?? "missing");
    await tabbed.getByText("Share images with projects in batch").first().waitFor({ timeout: 15_000 });
    await tabbed.context().close();
    await page.context().close();
  }, 60_000);

  it("operation names in the prose link to their operations", async () => {
    const page = await open("en/#/batch-sharing/batchaddimagemembers");
    const section = page.locator('[id="batch-sharing/batchaddimagemembers"]');
    await section.locator("h2").first().waitFor({ timeout: 15_000 });
    const link = section.locator("a").filter({ hasText: /^showJob$/ });
    await link.first().click();
    await page.waitForURL(/#\/jobs\/showjob$/);
    const unlinked = await page.evaluate((ids) => {
      return [...document.querySelectorAll("code")]
        .filter((code) => ids.includes(code.textContent ?? "") && !code.closest("a, pre"))
        .map((code) => code.textContent);
    }, operationIds());
    expect(unlinked).toEqual([]);
    await page.context().close();
  }, 60_000);

  it("from file:// every link of the landing page and the language bars opens a file", async () => {
    const root = pathToFileURL(`${site.report.outDir}/`).href;
    const hrefs: string[] = [];
    for (const path of ["index.html", "en/index.html", "zh-CN/index.html"]) {
      const page = await open(new URL(path, root).href);
      await page.waitForLoadState("load");
      hrefs.push(
        ...(await page
          .locator("main a[href], nav.ims-lang-bar a[href]")
          .evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href))),
      );
      await page.context().close();
    }
    expect(hrefs.length).toBeGreaterThan(6);
    const notFiles = hrefs.filter((href) => {
      const url = new URL(href);
      if (url.protocol !== "file:") return false;
      try {
        return !statSync(fileURLToPath(url)).isFile();
      } catch {
        return true;
      }
    });
    expect(notFiles).toEqual([]);
  }, 60_000);

  it("/zh-CN without a slash offers the Chinese spec as the Chinese download", async () => {
    const page = await open("zh-CN");
    await page.getByText("镜像成员").first().waitFor({ timeout: 15_000 });
    const href = await page
      .locator("a", { hasText: "中文" })
      .filter({ hasText: "openapi.yaml" })
      .first()
      .evaluate((a) => (a as HTMLAnchorElement).href);
    expect(new URL(href).pathname).toBe("/zh-CN/openapi.yaml");
    await page.context().close();
  }, 60_000);

  it("/favicon.ico is an icon", async () => {
    const response = await fetch(new URL("favicon.ico", site.server.url));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^image\//);
  });
});

describe("on a 390 × 844 phone", () => {
  const phone = { width: 390, height: 844 };
  const pages = ["", "en/", "zh-CN/", "en/#/batch-sharing/batchaddimagemembers", "zh-CN/#/jobs/showjob", "try/"];

  it.each(pages)(
    "%s has no horizontal overflow",
    async (path) => {
      const page = await open(path, phone);
      await page.waitForLoadState("load");
      if (path.includes("#")) await page.locator("h2").first().waitFor({ timeout: 15_000 });
      await page.waitForTimeout(500);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      await page.context().close();
      expect(width).toBeLessThanOrEqual(phone.width);
    },
    60_000,
  );

  it("the landing page's Chinese summaries are not squeezed to a character per line", async () => {
    const page = await open("", phone);
    const widths = await page.locator('td[lang="zh-CN"]').evaluateAll((cells) => cells.map((c) => c.clientWidth));
    await page.context().close();
    expect(widths.length).toBeGreaterThan(0);
    expect(Math.min(...widths)).toBeGreaterThan(120);
  });

  it("the language bar covers no text, and code samples are neither cut nor covered by the copy button", async () => {
    const page = await open("en/#/batch-sharing/batchaddimagemembers", phone);
    const section = page.locator('[id="batch-sharing/batchaddimagemembers"]');
    await section.locator("h2").first().waitFor({ timeout: 15_000 });
    const bar = page.locator("nav.ims-lang-bar");
    expect(await textUnder(page, bar)).toEqual([]);
    const block = section
      .locator('[data-component-name="CodeBlock/CodeBlock"]')
      .filter({ hasText: "curl -sS" })
      .first();
    const sample = block.locator("pre").first();
    await sample.scrollIntoViewIfNeeded();
    expect(await sample.evaluate((pre) => pre.scrollWidth - pre.clientWidth)).toBeLessThanOrEqual(0);
    const copy = block.locator('[data-component-name="Buttons/CopyButton"]').first();
    expect(await textUnder(page, copy, sample)).toEqual([]);
    await page.context().close();
  }, 60_000);
});

describe("try it", () => {
  it.each([
    ["mock", "/try/mock"],
    ["sandbox", "/try/sandbox"],
  ])(
    "sends an operation's request to the %s and shows the response",
    async (_, server) => {
      const page = await open("en/#/image-members/listimagemembers");
      const section = page.locator('[id="image-members/listimagemembers"]');
      await section.locator("h2").first().waitFor({ timeout: 15_000 });
      await section.getByRole("link", { name: "Try it" }).first().click();
      await page.waitForURL(/\/try\//);
      const op = page.locator("#operations-Image_members-listImageMembers");
      await op.waitFor({ timeout: 15_000 });
      await page.locator(".servers select").selectOption({ value: new URL(server, site.server.url).href });
      await op.getByRole("button", { name: "Try it out" }).click();
      await op.getByRole("button", { name: "Execute" }).click();
      const status = op.locator(".live-responses-table .response .response-col_status").first();
      await status.waitFor({ timeout: 15_000 });
      expect((await status.textContent())?.trim()).toBe("200");
      await expect(op.locator(".live-responses-table .microlight").first().textContent()).resolves.toContain(
        "/v2/schemas/members",
      );
      await page.context().close();
    },
    60_000,
  );
});

describe("try it from the zh-CN page", () => {
  it("opens the explorer on the operation, described in Chinese", async () => {
    const page = await open("zh-CN/#/image-members/listimagemembers");
    const section = page.locator('[id="image-members/listimagemembers"]');
    await section.locator("h2").first().waitFor({ timeout: 15_000 });
    await section.getByRole("link", { name: "试用" }).first().click();
    await page.waitForURL(/\/try\//);
    const op = page.locator("#operations-Image_members-listImageMembers");
    await op.waitFor({ timeout: 15_000 });
    const summary = operations(documents.zh as unknown as OpenApiDocument).find(
      (o) => o.op.operationId === "listImageMembers",
    )?.op.summary;
    expect(await op.locator(".opblock-summary-description").textContent()).toBe(summary);
    expect(await page.getAttribute("html", "lang")).toBe("zh-CN");
    await page.context().close();
  }, 60_000);
});

function operationIds(): string[] {
  return operations(documents.en as unknown as OpenApiDocument).map((o) => o.op.operationId);
}

/** Text outside `element` (and inside `within`, when given) whose box overlaps the element's box. */
async function textUnder(page: Page, element: Locator, within?: Locator): Promise<string[]> {
  const box = await element.boundingBox();
  if (!box) return [];
  const scope = within ? await within.elementHandle() : null;
  const self = await element.elementHandle();
  return page.evaluate(
    ({ box, scope, self }) => {
      const hits: string[] = [];
      const walker = document.createTreeWalker(scope ?? document.body, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.textContent?.trim() || self?.contains(node)) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        for (const r of range.getClientRects()) {
          const overlaps =
            r.width > 0 &&
            r.left < box.x + box.width &&
            r.right > box.x &&
            r.top < box.y + box.height &&
            r.bottom > box.y;
          if (overlaps) {
            hits.push(node.textContent.trim().slice(0, 40));
            break;
          }
        }
      }
      return hits;
    },
    { box, scope, self },
  );
}
