// Builds the static reference site (`npm run docs`, scripts/build-docs.ts): the English and zh-CN Redoc
// pages from the bundled spec plus the overlays in docs-site/overlays/, the landing page, and the spec
// files for download.
import { execFile } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { parse, stringify } from "yaml";
import { type OpenApiDocument, operations, type ParameterObject } from "../spec/openapi.ts";
import { precompress } from "./compress.ts";
import { addGuide, type ErrorCodeRow, errorCodeRows, type Lang } from "./guide.ts";
import { type Labels, loadLabels, translateSampleComments } from "./labels.ts";
import { renderLanding } from "./landing.ts";
import { applyOverlay, type JsonObject, loadOverlay, type StaleAction, staleActions } from "./overlay.ts";
import { addTryLinks, linkOperationNames } from "./prose.ts";
import { resolveOwnResponses } from "./responses.ts";

export const repoRoot = resolve(import.meta.dirname, "..", "..");
export const docsSiteDir = join(repoRoot, "docs-site");
export const defaultSpec = join(repoRoot, "generated", "openapi.yaml");
export const defaultOutDir = join(docsSiteDir, "dist");
export const zhOverlayPath = join(docsSiteDir, "overlays", "zh-CN.yaml");
export const samplesOverlayPath = join(docsSiteDir, "overlays", "code-samples.yaml");
export const zhLabelsPath = join(docsSiteDir, "labels", "zh-CN.yaml");
export const guideDir = join(docsSiteDir, "guide");
export const errorCodesPath = join(guideDir, "error-codes.yaml");
const swaggerUiDir = join(repoRoot, "node_modules", "swagger-ui-dist");

const run = promisify(execFile);
const redocly = join(repoRoot, "node_modules", ".bin", "redocly");
// Telemetry also stays off through `telemetry: off` in redocly.yaml; the env covers other configs.
const quietEnv = { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true", NO_COLOR: "1" };

export interface DocsBuildOptions {
  specPath?: string;
  outDir?: string;
}

export interface DocsPage {
  lang: "en" | "zh-CN";
  file: string;
  bytes: number;
}

export interface DocsBuildReport {
  outDir: string;
  pages: DocsPage[];
  landing: string;
  staleTranslations: StaleAction[];
  ms: number;
}

/** The documents the pages are rendered from: English and Chinese, both with the code samples. */
export async function docsDocuments(
  specPath = defaultSpec,
): Promise<{ english: JsonObject; en: JsonObject; zh: JsonObject }> {
  const english = parse(readFileSync(specPath, "utf8")) as JsonObject;
  const samples = loadOverlay(samplesOverlayPath);
  const zhOverlay = loadOverlay(zhOverlayPath);
  const en = await applyOverlay(english, samples, "code-samples overlay");
  const zh = translateSampleComments(
    await applyOverlay(await applyOverlay(english, zhOverlay, "zh-CN overlay"), samples, "code-samples overlay"),
    loadLabels(zhLabelsPath).comments,
  );
  return { english, en, zh };
}

/**
 * What a page is rendered from: the language's document with each response's own description, the
 * getting-started and error-code sections, operation names linked, and a try-it link per operation.
 */
export function pageDocument(doc: JsonObject, lang: Lang, rows: ErrorCodeRow[]): JsonObject {
  const guided = addGuide(resolveOwnResponses(doc), lang, guideDir, rows);
  return lang === "en"
    ? addTryLinks(linkOperationNames(guided), "../try/index.html", "Try it")
    : addTryLinks(linkOperationNames(guided), "../try/index.html?lang=zh-CN", "试用");
}

export async function buildDocs(options: DocsBuildOptions = {}): Promise<DocsBuildReport> {
  const started = performance.now();
  const specPath = resolve(options.specPath ?? defaultSpec);
  const outDir = resolve(options.outDir ?? defaultOutDir);
  if (!existsSync(specPath)) throw new Error(`${specPath} is missing: run \`npm run build\` first`);
  const { english, en, zh } = await docsDocuments(specPath);

  rmSync(outDir, { recursive: true, force: true });
  for (const dir of ["en", "zh-CN", "overlays", "try"]) mkdirSync(join(outDir, dir), { recursive: true });
  const rows = errorCodeRows(english, errorCodesPath);
  const labels = loadLabels(zhLabelsPath);
  const jsonPath = specPath.replace(/\.ya?ml$/, ".json");
  copyFileSync(specPath, join(outDir, "openapi.yaml"));
  if (existsSync(jsonPath)) copyFileSync(jsonPath, join(outDir, "openapi.json"));
  else writeFileSync(join(outDir, "openapi.json"), JSON.stringify(english, null, 2));
  copyFileSync(zhOverlayPath, join(outDir, "overlays", "zh-CN.yaml"));
  copyFileSync(samplesOverlayPath, join(outDir, "overlays", "code-samples.yaml"));
  writeFileSync(join(outDir, "zh-CN", "openapi.yaml"), stringify(zh, { lineWidth: 0 }));
  copyFileSync(join(docsSiteDir, "favicon.ico"), join(outDir, "favicon.ico"));
  writeTryPage(join(outDir, "try"), { en, "zh-CN": zh });

  const work = mkdtempSync(join(tmpdir(), "ims-docs-"));
  try {
    const enSource = join(work, "en.yaml");
    const zhSource = join(work, "zh-CN.yaml");
    writeFileSync(enSource, stringify(pageDocument(en, "en", rows), { lineWidth: 0 }));
    writeFileSync(zhSource, stringify(pageDocument(zh, "zh-CN", rows), { lineWidth: 0 }));
    const pages = await Promise.all([
      renderPage(enSource, join(outDir, "en", "index.html"), {
        lang: "en",
        title: `${String((en.info as JsonObject).title)} · reference`,
        template: { lang: "en", otherLang: "zh-CN", otherLabel: "中文", homeLabel: "Home", navLabel: "Language" },
        downloads: [
          { title: "openapi.yaml", url: "../openapi.yaml" },
          { title: "openapi.json", url: "../openapi.json" },
        ],
      }),
      renderPage(zhSource, join(outDir, "zh-CN", "index.html"), {
        lang: "zh-CN",
        title: `${String((zh.info as JsonObject).title)} · 参考文档`,
        template: { lang: "zh-CN", otherLang: "en", otherLabel: "English", homeLabel: "首页", navLabel: "语言" },
        labels,
        downloads: [
          // Relative to the folder, so /zh-CN (no slash) also offers the Chinese file.
          { title: "openapi.yaml (中文)", url: "../zh-CN/openapi.yaml" },
          { title: "openapi.yaml (English)", url: "../openapi.yaml" },
        ],
      }),
    ]);
    const landing = join(outDir, "index.html");
    writeFileSync(landing, renderLanding(readFileSync(join(docsSiteDir, "index.html"), "utf8"), english, zh));
    await precompress(outDir);
    return {
      outDir,
      pages,
      landing,
      staleTranslations: staleActions(english, loadOverlay(zhOverlayPath)),
      ms: Math.round(performance.now() - started),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// Redoc 3 shows only the x-codeSamples whose label matches one of these keys; Payload is the request example.
const sampleLanguages = [
  { key: "curl", label: "curl", lang: "bash" },
  { key: "typescript", label: "TypeScript", lang: "typescript" },
  { key: "payload", label: "Payload", lang: "json" },
];

interface PageOptions {
  lang: DocsPage["lang"];
  title: string;
  template: Record<string, string>;
  downloads: { title: string; url: string }[];
  /** Interface labels for docs-site/page.js to translate (zh-CN only). */
  labels?: Labels;
}

async function renderPage(source: string, output: string, page: PageOptions): Promise<DocsPage> {
  const args = [
    "build-docs",
    source,
    "--inlineBundle",
    "--output",
    output,
    "--title",
    page.title,
    "--template",
    join(docsSiteDir, "page.hbs"),
    "--openapi",
    JSON.stringify({
      downloadUrls: page.downloads,
      codeSamples: { languages: sampleLanguages },
    }),
    ...Object.entries(page.template).map(([key, value]) => `--templateOptions.${key}=${value}`),
  ];
  try {
    await run(redocly, args, { cwd: repoRoot, env: quietEnv });
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`redocly build-docs failed for ${page.lang}: ${e.stderr ?? e.message}`);
  }
  const html = withPageScript(readFileSync(output, "utf8"), page.labels);
  writeFileSync(output, html);
  // The inline bundle is what makes the page work offline; the flag keeps readers' browsers quiet.
  if (!html.includes('"disableTelemetry":true')) throw new Error(`${output}: Redoc telemetry is not disabled`);
  if (html.includes("cdn.redocly.com/redoc/v")) throw new Error(`${output}: the page loads Redoc from the CDN`);
  return { lang: page.lang, file: output, bytes: statSync(output).size };
}

/** Inlines docs-site/page.js with its config (JSON, `<` escaped so it cannot close the script) before </body>. */
export function withPageScript(html: string, labels: Labels | undefined): string {
  const pageLabels = labels && {
    exact: labels.exact,
    patterns: labels.patterns,
    typeLine: labels.typeLine,
    typeWords: labels.typeWords,
  };
  const config = JSON.stringify({ labels: pageLabels ?? null }).replaceAll("<", "\\u003c");
  const script = readFileSync(join(docsSiteDir, "page.js"), "utf8");
  const tail = `<script type="application/json" id="ims-page-config">${config}</script>\n<script>\n${script}</script>\n`;
  const at = html.lastIndexOf("</body>");
  if (at < 0) throw new Error("the rendered page has no </body>");
  return html.slice(0, at) + tail + html.slice(at);
}

/** The explorer: Swagger UI's assets from swagger-ui-dist, its start script, and each language's spec as a script. */
function writeTryPage(dir: string, specs: Record<Lang, JsonObject>): void {
  for (const asset of ["swagger-ui-bundle.js", "swagger-ui.css"])
    copyFileSync(join(swaggerUiDir, asset), join(dir, asset));
  copyFileSync(join(docsSiteDir, "try.html"), join(dir, "index.html"));
  copyFileSync(join(docsSiteDir, "try.js"), join(dir, "try.js"));
  for (const [lang, doc] of Object.entries(specs)) {
    const spec = JSON.stringify(withOperationParameters(doc)).replaceAll("<", "\\u003c");
    writeFileSync(join(dir, `spec.${lang}.js`), `window.imsSpec = ${spec};\n`);
  }
}

/**
 * A copy of `doc` with each path's shared parameters repeated in its operations: Swagger UI fills a
 * parameter's example into the try-it form only when the operation itself lists the parameter.
 */
function withOperationParameters(doc: JsonObject): JsonObject {
  const out = structuredClone(doc);
  const paths = (out.paths ?? {}) as Record<string, JsonObject>;
  for (const { path, op } of operations(out as OpenApiDocument)) {
    const shared = (paths[path]?.parameters ?? []) as ParameterObject[];
    if (shared.length > 0) op.parameters = [...shared, ...(op.parameters ?? [])];
  }
  for (const item of Object.values(paths)) delete item.parameters;
  return out;
}
