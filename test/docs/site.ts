// Builds the docs site into a scratch folder and serves it on a free port, for the docs tests.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { type StaticServer, serveStatic } from "../../scripts/lib/static-server.ts";
import { buildDocs, type DocsBuildReport, repoRoot } from "../../src/docs/build.ts";

export interface ServedSite {
  report: DocsBuildReport;
  server: StaticServer;
  close(): Promise<void>;
}

export async function buildAndServe(options: { proxy?: Record<string, string> } = {}): Promise<ServedSite> {
  mkdirSync(join(repoRoot, ".tmp"), { recursive: true });
  const outDir = mkdtempSync(join(repoRoot, ".tmp", "docs-site-"));
  const report = await buildDocs({ outDir });
  const server = await serveStatic({ root: outDir, ...options });
  return {
    report,
    server,
    async close() {
      await server.close();
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}

/** Screenshots go to test-results/ (git-ignored). */
export const screenshotDir = join(repoRoot, "test-results", "docs");
