// `npm run docs`: builds the reference site into docs-site/dist/ (see src/docs/build.ts).
// Usage: tsx scripts/build-docs.ts [--spec FILE] [--out DIR] [--stamp-translations]
import { existsSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Command } from "commander";
import { parse } from "yaml";
import { buildDocs, defaultOutDir, defaultSpec, repoRoot, zhOverlayPath } from "../src/docs/build.ts";
import { type JsonObject, stampTranslations } from "../src/docs/overlay.ts";

export async function main(argv: string[]): Promise<number> {
  const program = new Command()
    .name("build-docs")
    .description("Build the reference docs site (English and zh-CN) into docs-site/dist/.")
    .option("--spec <file>", "bundled spec to render", defaultSpec)
    .option("--out <dir>", "output folder", defaultOutDir)
    .option("--stamp-translations", "record the current English text in each zh-CN action (after revising the Chinese)")
    .parse(argv, { from: "user" });
  const opts = program.opts<{ spec: string; out: string; stampTranslations?: boolean }>();
  const specPath = resolve(opts.spec);
  try {
    if (!existsSync(specPath) && specPath === defaultSpec) {
      console.log("generated/ is missing; generating it first");
      const { generate } = await import("./generate.ts");
      await generate(join(repoRoot, "generated"));
    }
    if (opts.stampTranslations) {
      const english = parse(readFileSync(specPath, "utf8")) as JsonObject;
      const stamped = stampTranslations(zhOverlayPath, english);
      console.log(
        stamped.length
          ? `stamped ${stamped.length} action(s): ${stamped.map((s) => s.target).join(", ")}`
          : "every translation is current",
      );
      return 0;
    }
    const report = await buildDocs({ specPath, outDir: opts.out });
    for (const page of report.pages)
      console.log(`✓ ${page.lang.padEnd(5)} ${relative(repoRoot, page.file)} (${(page.bytes / 1024).toFixed(0)} KiB)`);
    console.log(`✓ landing ${relative(repoRoot, report.landing)}`);
    for (const stale of report.staleTranslations) {
      console.warn(
        `! zh-CN translation may be stale: ${stale.target} (English changed; revise it, then run with --stamp-translations)`,
      );
    }
    console.log(`built in ${(report.ms / 1000).toFixed(1)} s`);
    return 0;
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    return 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) process.exitCode = await main(process.argv.slice(2));
