// npm run generate [OUT_DIR]: bundle the spec and generate the types into generated/ (or OUT_DIR).
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { repoRoot } from "../src/spec/openapi.ts";
import { generate } from "./lib/generate.ts";

export async function main(argv: string[]): Promise<number> {
  const outDir = resolve(argv[0] ?? join(repoRoot, "generated"));
  for (const file of await generate(outDir)) console.log(`wrote ${file}`);
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) process.exitCode = await main(process.argv.slice(2));
