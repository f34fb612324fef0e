// Packs the package, installs the tarball into a fresh project outside the repo (one without tsx),
// and uses it the way a consumer would: the exports type-check under a strict and a non-strict
// tsconfig, the client, the spec files and `ims-sharing/contract` run from plain JavaScript, and the
// `ims-contract` bin checks a live sandbox. publint and attw judge the same tarball.
import { execFile } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox } from "../../src/sandbox/server.ts";
import { repoRoot } from "../../src/spec/openapi.ts";

const execFileAsync = promisify(execFile);
const bin = (name: string) => join(repoRoot, "node_modules", ".bin", name);

interface Run {
  code: number;
  output: string;
}

/** Runs a command to its end; a non-zero exit is a result, not an exception. */
async function run(file: string, args: string[], cwd: string): Promise<Run> {
  try {
    const { stdout, stderr } = await execFileAsync(file, args, { cwd, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, output: `${stdout}${stderr}` };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : -1, output: `${e.stdout ?? ""}${e.stderr ?? error}` };
  }
}

let project = "";
let tarball = "";
let packed: string[] = [];

const compilerOptions = {
  module: "NodeNext",
  moduleResolution: "NodeNext",
  target: "ES2022",
  lib: ["ES2023", "DOM"],
  noEmit: true,
  // The package's declaration files are checked too, and must not need @types/node; TypeScript's
  // own lib files need no checking (that alone takes a third of the time).
  skipLibCheck: false,
  skipDefaultLibCheck: true,
  types: [],
};

const typedConsumer = `
import { createImsClient, unwrap, ImsApiError, type Job } from "ims-sharing/client";
import type { components, paths } from "ims-sharing/types";
import {
  ConfigError, type ContractConfig, loadConfigFile, parseConfig, type RunResult, runContract,
} from "ims-sharing/contract";

type Member = components["schemas"]["ImageMember"];
const ims = createImsClient({ baseUrl: "http://127.0.0.1:9292", token: "owner-token" });
export async function share(image_id: string, member: string): Promise<Member> {
  return unwrap(ims.POST("/v2/images/{image_id}/members", { params: { path: { image_id } }, body: { member } }));
}
export type ListPath = keyof paths;
export const isApiError = (e: unknown): e is ImsApiError => e instanceof ImsApiError;
export const ended = (job: Job): boolean => job.status === "SUCCESS" || job.status === "FAIL";

export async function verdict(file: string, baseUrl: string): Promise<boolean> {
  let config: ContractConfig;
  try {
    config = loadConfigFile(file, { baseUrl, checks: ["schema"] });
  } catch (error) {
    if (error instanceof ConfigError) return false;
    throw error;
  }
  const result: RunResult = await runContract(config, { checkDone: (s) => console.log(s.check, s.status) });
  return result.passed && result.cells.every((cell) => cell.failures.length === 0);
}
export const inline: ContractConfig = parseConfig({ baseUrl: "http://127.0.0.1:9292" }, "inline");
`;

const badConsumer = `
import { createImsClient } from "ims-sharing/client";
const ims = createImsClient({ baseUrl: "http://127.0.0.1:9292", token: "owner-token" });
void ims.POST("/v2/images/{image_id}/members", { params: { path: { image_id: "x" } }, body: { member: 42 } });
`;

// Plain JavaScript, run by node alone: loads a config, runs one check, and reports a bad config.
const contractConsumer = `
import { ConfigError, loadConfigFile, parseConfig, runContract } from "ims-sharing/contract";
const config = loadConfigFile("sandbox.yaml", { baseUrl: process.argv[2], checks: ["authentication"] });
const result = await runContract(config);
let rejected = "";
try { parseConfig({ baseUrl: 42 }, "inline"); } catch (error) { if (error instanceof ConfigError) rejected = error.problems.join(); }
console.log(JSON.stringify({ passed: result.passed, checks: [...new Set(result.cells.map((c) => c.check))], rejected }));
`;

/** The README's TypeScript example that imports from `entry`: it must compile as it stands. */
function readmeExample(entry: string): string {
  const blocks = readFileSync(join(repoRoot, "README.md"), "utf8").matchAll(/^```ts\n([\s\S]*?)^```$/gm);
  const example = [...blocks].map((m) => m[1] ?? "").find((code) => code.includes(`from "${entry}"`));
  if (!example) throw new Error(`the README has no TypeScript example importing ${entry}`);
  return example;
}

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), "ims-sharing-consumer-"));
  // A real pack (its prepack builds dist/); --json lists exactly what --dry-run would.
  const pack = await execFileAsync("npm", ["pack", "--json", "--pack-destination", project], { cwd: repoRoot });
  const [info] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
  if (!info) throw new Error(`npm pack printed no result: ${pack.stdout}`);
  tarball = join(project, info.filename);
  packed = info.files.map((f) => f.path);

  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  const tsconfig = (name: string, options: object, files: string[]) =>
    writeFileSync(join(project, name), JSON.stringify({ compilerOptions: { ...compilerOptions, ...options }, files }));
  const consumers = ["consumer.ts", "readme-contract.ts"];
  const strict = { strict: true, noUncheckedIndexedAccess: true, exactOptionalPropertyTypes: true };
  tsconfig("tsconfig.strict.json", strict, [...consumers, "bad.ts"]);
  tsconfig("tsconfig.loose.json", { strict: false }, consumers);
  writeFileSync(join(project, "consumer.ts"), typedConsumer);
  writeFileSync(join(project, "bad.ts"), badConsumer);
  writeFileSync(join(project, "readme-contract.ts"), readmeExample("ims-sharing/contract"));
  writeFileSync(join(project, "run-contract.mjs"), contractConsumer);
  copyFileSync(join(repoRoot, "src", "contract", "examples", "sandbox.yaml"), join(project, "sandbox.yaml"));

  const install = await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", tarball], project);
  if (install.code !== 0) throw new Error(`npm install failed:\n${install.output}`);
}, 240_000);

afterAll(() => rmSync(project, { recursive: true, force: true }));

describe("the tarball", () => {
  it("holds only compiled code, declarations, the generated files, the spec and the README", () => {
    const strays = packed.filter((path) => !/^(dist|generated|openapi)\/|^(README\.md|package\.json)$/.test(path));
    expect(strays).toEqual([]);
    expect(packed.filter((path) => /\.[cm]?tsx?$/.test(path) && !/\.d\.[cm]?ts$/.test(path))).toEqual([]);
    // dist/ mirrors only the compiled parts of src/ (the sandbox and the docs builder stay out).
    expect(new Set(packed.filter((path) => path.startsWith("dist/")).map((path) => path.split("/")[1]))).toEqual(
      new Set(["client", "contract", "spec"]),
    );
    expect(packed).toEqual(
      expect.arrayContaining([
        "dist/client/index.js",
        "dist/contract/index.d.ts",
        "dist/contract/cli.js",
        "dist/contract/config.schema.json",
        "generated/schema.d.ts",
        "generated/openapi.json",
      ]),
    );
  });

  it("installs without tsx or esbuild", () => {
    expect(existsSync(join(project, "node_modules", "ims-sharing", "dist"))).toBe(true);
    expect(existsSync(join(project, "node_modules", "tsx"))).toBe(false);
    expect(existsSync(join(project, "node_modules", "esbuild"))).toBe(false);
  });

  it("is clean for publint", async () => {
    const result = await run(bin("publint"), ["run", tarball, "--strict"], project);
    expect(result.output).toContain("All good!");
    expect(result.code).toBe(0);
  }, 120_000);

  // The package is ESM only (`"type": "module"`, no `require` condition), so `--profile esm-only`:
  // it skips node10 and require() from CommonJS, which cannot load it by design. openapi.yaml is a
  // data file for tools that read it by path, not a module TypeScript could resolve.
  it("is clean for attw (are the types wrong) on every module entry point", async () => {
    const args = [tarball, "--profile", "esm-only", "--exclude-entrypoints", "./openapi.yaml", "--format", "ascii"];
    const result = await run(bin("attw"), args, project);
    expect(result.output).toContain('"ims-sharing/contract"');
    expect(result.code, result.output).toBe(0);
  }, 120_000);
});

// Two compilations, side by side. The strict one also holds a consumer with a deliberate type error,
// so one run shows that good code compiles and that bad code does not.
describe.concurrent("the installed package's types", () => {
  const tsc = (config: string) => run(bin("tsc"), ["-p", config], project);
  const filesWithErrors = (output: string) => [
    ...new Set([...output.matchAll(/^(\S+)\(\d+,\d+\): error/gm)].map((m) => m[1])),
  ];

  it("accept every consumer and reject a wrongly typed body under a strict tsconfig", async ({ expect }) => {
    const result = await tsc("tsconfig.strict.json");
    expect(filesWithErrors(result.output), result.output).toEqual(["bad.ts"]);
    expect(result.output).toMatch(/^bad\.ts\(.*Type 'number' is not assignable to type 'string'/m);
  }, 180_000);

  it("accept the same consumers under a non-strict tsconfig", async ({ expect }) => {
    const result = await tsc("tsconfig.loose.json");
    expect(result.output).toBe("");
    expect(result.code).toBe(0);
  }, 180_000);
});

describe("the installed package at run time", () => {
  const node = (script: string) => run(process.execPath, ["--input-type=module", "-e", script], project);

  it("runs the client from plain JavaScript", async () => {
    const result = await node(`import { createImsClient, ImsApiError } from "ims-sharing/client";
      const ims = createImsClient({ baseUrl: "http://127.0.0.1:9292", token: "t" });
      console.log(typeof ims.GET, typeof ImsApiError);`);
    expect(result.output.trim()).toBe("function function");
  });

  it("ships the bundled spec files", async () => {
    const result = await node(`import spec from "ims-sharing/openapi.json" with { type: "json" };
      import { readFileSync } from "node:fs";
      const yaml = readFileSync(new URL(import.meta.resolve("ims-sharing/openapi.yaml")), "utf8");
      console.log(spec.openapi, yaml.startsWith("openapi: 3.1.0"));`);
    expect(result.output.trim()).toBe("3.1.0 true");
  });

  it("runs the contract suite from code through ims-sharing/contract", async () => {
    const sandbox = await startSandbox({ port: 0, quiet: true });
    try {
      const result = await run(process.execPath, ["run-contract.mjs", sandbox.url], project);
      expect(result.code, result.output).toBe(0);
      expect(JSON.parse(result.output)).toEqual({
        passed: true,
        checks: ["authentication"],
        rejected: expect.stringContaining("baseUrl"),
      });
    } finally {
      await sandbox.close();
    }
  }, 120_000);
});

describe("the ims-contract bin of the installed package", () => {
  const contract = (args: string[]) => run(join(project, "node_modules", ".bin", "ims-contract"), args, project);

  it("is compiled JavaScript with a node shebang", () => {
    const manifest = JSON.parse(readFileSync(join(project, "node_modules", "ims-sharing", "package.json"), "utf8"));
    const file = join(project, "node_modules", "ims-sharing", manifest.bin["ims-contract"]);
    expect(file).toMatch(/\.js$/);
    expect(readFileSync(file, "utf8")).toMatch(/^#!\/usr\/bin\/env node\n/);
  });

  it("checks a live server and passes a conformant one", async () => {
    const sandbox = await startSandbox({ port: 0, quiet: true });
    try {
      const result = await contract(["--config", "sandbox.yaml", "--base-url", sandbox.url, "--quiet"]);
      expect(result.output).toMatch(/^PASSED: 0 failed, [1-9]\d* passed/m);
      expect(result.code).toBe(0);
    } finally {
      await sandbox.close();
    }
  }, 120_000);

  it("exits 2 and names the field when the config is wrong", async () => {
    writeFileSync(join(project, "bad.yaml"), "baseUrl: 42\n");
    const result = await contract(["--config", "bad.yaml"]);
    expect(result.code).toBe(2);
    expect(result.output).toContain("baseUrl");
  });
});
