// Installs the packed tarball into a fresh project outside the repo, exactly as a user would, and
// proves the `exports` map: the types and the client resolve, type-check, and run.
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox } from "../../src/sandbox/server.ts";
import { repoRoot } from "../../src/spec/openapi.ts";

const tsc = join(repoRoot, "node_modules", ".bin", "tsc");
const execFileAsync = promisify(execFile);
let project = "";

const goodConsumer = `
import { createImsClient, unwrap, ImsApiError, type Job } from "ims-sharing/client";
import type { components, paths } from "ims-sharing/types";

type Member = components["schemas"]["ImageMember"];
const ims = createImsClient({ baseUrl: "http://127.0.0.1:9292", token: "owner-token" });
export async function share(image_id: string, member: string): Promise<Member> {
  return unwrap(ims.POST("/v2/images/{image_id}/members", { params: { path: { image_id } }, body: { member } }));
}
export type ListPath = keyof paths;
export const isApiError = (e: unknown): e is ImsApiError => e instanceof ImsApiError;
export const ended = (job: Job): boolean => job.status === "SUCCESS" || job.status === "FAIL";
`;

const badConsumer = `
import { createImsClient } from "ims-sharing/client";
const ims = createImsClient({ baseUrl: "http://127.0.0.1:9292", token: "owner-token" });
void ims.POST("/v2/images/{image_id}/members", { params: { path: { image_id: "x" } }, body: { member: 42 } });
`;

function typecheck(): { ok: boolean; output: string } {
  try {
    execFileSync(tsc, ["-p", project], { stdio: "pipe" });
    return { ok: true, output: "" };
  } catch (error) {
    return { ok: false, output: String((error as { stdout?: Buffer }).stdout ?? error) };
  }
}

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), "ims-sharing-consumer-"));
  execFileSync("npm", ["pack", "--silent", "--pack-destination", project], { cwd: repoRoot, stdio: "pipe" });
  const tarball = readdirSync(project).find((f) => f.endsWith(".tgz"));
  if (!tarball) throw new Error("npm pack wrote no tarball");
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  writeFileSync(
    join(project, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noUncheckedIndexedAccess: true,
        module: "NodeNext",
        moduleResolution: "NodeNext",
        target: "ES2022",
        lib: ["ES2023", "DOM"],
        noEmit: true,
        skipLibCheck: false,
        types: [],
      },
      include: ["*.ts"],
    }),
  );
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", `./${tarball}`], {
    cwd: project,
    stdio: "pipe",
  });
}, 180_000);

afterAll(() => rmSync(project, { recursive: true, force: true }));

describe("the packed package", () => {
  it("type-checks a consumer that imports the client and the types", () => {
    writeFileSync(join(project, "consumer.ts"), goodConsumer);
    const result = typecheck();
    expect(result.output).toBe("");
    expect(result.ok).toBe(true);
  });

  it("rejects a consumer that sends a wrongly typed body", () => {
    writeFileSync(join(project, "consumer.ts"), badConsumer);
    const result = typecheck();
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/consumer\.ts.*Type 'number' is not assignable to type 'string'/s);
  });

  it("runs the client from plain JavaScript", () => {
    const script = `import { createImsClient, ImsApiError } from "ims-sharing/client";
      const ims = createImsClient({ baseUrl: "http://127.0.0.1:9292", token: "t" });
      console.log(typeof ims.GET, typeof ImsApiError);`;
    const out = execFileSync("node", ["--input-type=module", "-e", script], { cwd: project }).toString().trim();
    expect(out).toBe("function function");
  });

  it("ships the bundled spec files", () => {
    const out = execFileSync(
      "node",
      [
        "--input-type=module",
        "-e",
        `import spec from "ims-sharing/openapi.json" with { type: "json" }; console.log(spec.openapi);`,
      ],
      { cwd: project },
    )
      .toString()
      .trim();
    expect(out).toBe("3.1.0");
  });
});

describe("the ims-contract bin of the packed package", () => {
  // Asynchronous: the sandbox answering the bin runs in this very process.
  async function contract(args: string[]): Promise<{ code: number; output: string }> {
    try {
      const { stdout } = await execFileAsync(join(project, "node_modules", ".bin", "ims-contract"), args, {
        cwd: project,
      });
      return { code: 0, output: stdout };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, output: `${e.stdout}${e.stderr}` };
    }
  }

  it("checks a live server with the shipped example config and passes a conformant one", async () => {
    const sandbox = await startSandbox({ port: 0, quiet: true });
    try {
      const config = join(project, "node_modules", "ims-sharing", "src", "contract", "examples", "sandbox.yaml");
      const result = await contract(["--config", config, "--base-url", sandbox.url, "--quiet"]);
      expect(result.output).toMatch(/^PASSED: 0 failed, 63 passed/m);
      expect(result.code).toBe(0);
    } finally {
      await sandbox.close();
    }
  });

  it("exits 2 and names the field when the config is wrong", async () => {
    writeFileSync(join(project, "bad.yaml"), "baseUrl: 42\n");
    const result = await contract(["--config", join(project, "bad.yaml")]);
    expect(result.code).toBe(2);
    expect(result.output).toContain("baseUrl");
  });
});
