// Reads the code samples out of docs-site/overlays/code-samples.yaml and prepares a folder in which
// the TypeScript ones type-check and run as a reader would use them (`import … from "ims-sharing/client"`).
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { resolveJsonPathValue } from "openapi-format";
import { repoRoot, samplesOverlayPath } from "../../src/docs/build.ts";
import { type JsonObject, loadOverlay } from "../../src/docs/overlay.ts";

export const run = promisify(execFile);

export interface CodeSample {
  operationId: string;
  lang: string;
  label: string;
  source: string;
}

export function codeSamples(english: JsonObject): CodeSample[] {
  return loadOverlay(samplesOverlayPath).actions.flatMap((action) => {
    const [operation] = resolveJsonPathValue(english, action.target) as JsonObject[];
    const samples = ((action.update as JsonObject)["x-codeSamples"] ?? []) as Omit<CodeSample, "operationId">[];
    return samples.map((sample) => ({ operationId: String(operation?.operationId), ...sample }));
  });
}

/** A scratch folder under .tmp/ whose tsconfig maps the package's own import names to the sources. */
export function sampleProject(files: Record<string, string>): string {
  mkdirSync(join(repoRoot, ".tmp"), { recursive: true });
  const dir = mkdtempSync(join(repoRoot, ".tmp", "code-samples-"));
  const up = relative(dir, repoRoot);
  const tsconfig = {
    extends: `${up}/tsconfig.json`,
    compilerOptions: {
      noEmit: true,
      paths: {
        "ims-sharing/client": [`${up}/src/client/index.ts`],
        "ims-sharing/types": [`${up}/generated/schema.d.ts`],
      },
    },
    include: ["*.ts"],
    // The root config excludes .tmp/, where this folder lives.
    exclude: [],
  };
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
  for (const [name, source] of Object.entries(files)) writeFileSync(join(dir, name), source);
  return dir;
}

export interface Diagnostic {
  file: string;
  code: string;
  message: string;
}

/** Runs tsc on the folder and returns its errors, by file. */
export async function typeCheck(dir: string): Promise<Diagnostic[]> {
  const tsc = join(repoRoot, "node_modules", "typescript", "bin", "tsc");
  const output = await run(process.execPath, [tsc, "-p", join(dir, "tsconfig.json"), "--pretty", "false"], {
    cwd: dir,
  }).then(
    (r) => r.stdout,
    (error: { stdout?: string }) => error.stdout ?? "",
  );
  // Errors about the project itself (no inputs, bad options) have no file.
  return [...output.matchAll(/^(?:(.+?)\(\d+,\d+\): )?error (TS\d+): (.*)$/gm)].map((m) => ({
    file: m[1] ? relative(dir, join(dir, m[1])) : "",
    code: m[2] ?? "",
    message: m[3] ?? "",
  }));
}
