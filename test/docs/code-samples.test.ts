// The code samples shown with every operation are real: the TypeScript ones type-check against the
// generated types and run against the sandbox; the curl ones run against the mock and the sandbox.
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { type RunningServer, startPrism } from "../../scripts/lib/processes.ts";
import { defaultSpec } from "../../src/docs/build.ts";
import type { JsonObject } from "../../src/docs/overlay.ts";
import { type Sandbox, startSandbox } from "../../src/sandbox/server.ts";
import { loadSpec, operationById, operations, responseSchemaRef, schemaValidator } from "../../src/spec/openapi.ts";
import { type CodeSample, codeSamples, run, sampleProject, typeCheck } from "./code-samples.ts";

const english = parse(readFileSync(defaultSpec, "utf8")) as JsonObject;
const doc = loadSpec();
const validator = schemaValidator(doc);
const samples = codeSamples(english);
const typescript = samples.filter((s) => s.lang === "TypeScript");
const curl = samples.filter((s) => s.label === "curl");
// The order a reader would follow on a fresh sandbox: share, look, answer as the member, withdraw, batch.
const walkthrough = [
  "addImageMember",
  "listImageMembers",
  "showImageMember",
  "updateImageMember",
  "removeImageMember",
  "batchAddImageMembers",
  "showJob",
];
const tokenFor = (operationId: string) => (operationId === "updateImageMember" ? "member-token" : "owner-token");
const bySteps = (list: CodeSample[]) => walkthrough.map((id) => list.find((s) => s.operationId === id) ?? missing(id));
const missing = (id: string): never => {
  throw new Error(`no sample for ${id}`);
};

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

describe("coverage", () => {
  it.each(operations(doc).map((o) => [o.op.operationId] as const))(
    "%s has a curl and a TypeScript sample",
    (operationId) => {
      const mine = samples.filter((s) => s.operationId === operationId);
      expect(mine.map((s) => `${s.lang}/${s.label}`).sort()).toEqual(["Shell/curl", "TypeScript/TypeScript"]);
    },
  );

  it("the walkthrough below covers every operation once", () => {
    expect([...walkthrough].sort()).toEqual(
      operations(doc)
        .map((o) => o.op.operationId)
        .sort(),
    );
  });
});

describe("TypeScript samples type-check against the generated types", () => {
  it("every sample compiles under the strict tsconfig, and a sample that misuses the API does not", async () => {
    const update =
      typescript.find((s) => s.operationId === "updateImageMember")?.source ?? missing("updateImageMember");
    const add = typescript.find((s) => s.operationId === "addImageMember")?.source ?? missing("addImageMember");
    const broken = {
      "broken-status.ts": update.replace('status: "accepted"', 'status: "approved"'),
      "broken-path.ts": add.replace('"/v2/images/{image_id}/members"', '"/v2/images/{image_id}/memberz"'),
      "broken-param.ts": add.replace("params: { path: { image_id:", "params: { path: { imageId:"),
    };
    for (const [name, source] of Object.entries(broken))
      expect(source, `${name} differs from its sample`).not.toBe(name.includes("status") ? update : add);
    const dir = sampleProject({
      ...Object.fromEntries(typescript.map((s) => [`${s.operationId}.ts`, s.source])),
      ...broken,
    });
    scratch.push(dir);

    const errors = await typeCheck(dir);
    expect(errors.filter((e) => !e.file.startsWith("broken-"))).toEqual([]);
    const files = new Set(errors.map((e) => e.file));
    expect([...files].sort()).toEqual(Object.keys(broken).sort());
    expect(errors.find((e) => e.file === "broken-status.ts")?.message).toMatch(/"approved"/);
  }, 90_000);
});

describe("samples against a fresh sandbox (default seed)", () => {
  // Each walkthrough gets its own sandbox: both change the same memberships.
  let sandbox: Sandbox;
  beforeEach(async () => {
    sandbox = await startSandbox({ port: 0, quiet: true });
  });
  afterEach(async () => {
    await sandbox?.close();
  });

  it("the TypeScript samples run in walkthrough order and print what the sandbox answered", async () => {
    const steps = bySteps(typescript);
    const dir = sampleProject(Object.fromEntries(steps.map((s) => [`${s.operationId}.ts`, s.source])));
    scratch.push(dir);
    const outputs: Record<string, string> = {};
    let jobId = "";
    for (const step of steps) {
      const env = {
        ...process.env,
        IMS_ENDPOINT: sandbox.url,
        IMS_TOKEN: tokenFor(step.operationId),
        JOB_ID: jobId,
        TSX_TSCONFIG_PATH: join(dir, "tsconfig.json"),
      };
      const { stdout } = await run(process.execPath, ["--import", "tsx", join(dir, `${step.operationId}.ts`)], {
        cwd: dir,
        env,
      });
      outputs[step.operationId] = stdout;
      jobId = /^job ([0-9a-f]{32})$/m.exec(stdout)?.[1] ?? jobId;
    }
    expect(outputs.addImageMember).toBe("edc89b490d7d4392898e19b2deb34797 pending\n");
    expect(outputs.listImageMembers).toBe("edc89b490d7d4392898e19b2deb34797 pending\n");
    expect(outputs.showImageMember).toMatch(/^pending since \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n$/);
    expect(outputs.updateImageMember).toMatch(/^accepted \d{4}-/);
    expect(outputs.removeImageMember).toBe("share withdrawn\n");
    expect(outputs.batchAddImageMembers).toMatch(/^job [0-9a-f]{32}\nSUCCESS 0 of 4 pairs failed\n$/);
    expect(outputs.showJob).toMatch(/^SUCCESS 100%\nSUCCESS\n/);
    expect(outputs.showJob?.trim().split("\n").slice(2)).toHaveLength(4);
  }, 90_000);

  it("the curl samples run in walkthrough order and get the documented success bodies", async () => {
    let jobId = "";
    for (const step of bySteps(curl)) {
      const env = { ...process.env, IMS_ENDPOINT: sandbox.url, IMS_TOKEN: tokenFor(step.operationId), JOB_ID: jobId };
      const { stdout } = await run(
        "bash",
        ["-euo", "pipefail", "-c", `${step.source.trimEnd()} -w '\\n%{http_code}'`],
        { env },
      );
      const [body, status] = splitStatus(stdout);
      expectSuccess(step.operationId, status, body);
      if (step.operationId === "batchAddImageMembers") jobId = (body as { job_id: string }).job_id;
    }
  }, 90_000);
});

describe("curl samples against the Prism mock", () => {
  let prism: RunningServer;
  beforeAll(async () => {
    prism = await startPrism();
  });
  afterAll(async () => {
    await prism?.stop();
  });

  it.each(curl.map((s) => [s.operationId, s] as const))(
    "%s answers with its documented success body",
    async (_, sample) => {
      const env = {
        ...process.env,
        IMS_ENDPOINT: prism.url,
        IMS_TOKEN: "any-token",
        JOB_ID: "9a175ac692fa12540193002a6d4b2720",
      };
      const { stdout } = await run(
        "bash",
        ["-euo", "pipefail", "-c", `${sample.source.trimEnd()} -w '\\n%{http_code}'`],
        { env },
      );
      const [body, status] = splitStatus(stdout);
      expectSuccess(sample.operationId, status, body);
    },
  );
});

function splitStatus(stdout: string): [unknown, string] {
  const cut = stdout.lastIndexOf("\n");
  const text = stdout.slice(0, cut);
  return [text ? (JSON.parse(text) as unknown) : undefined, stdout.slice(cut + 1)];
}

function expectSuccess(operationId: string, status: string, body: unknown) {
  const operation = operationById(doc, operationId);
  const expected = Object.keys(operation.op.responses).find((s) => s.startsWith("2"));
  expect(status, `${operationId} status (body: ${JSON.stringify(body)})`).toBe(expected);
  const schema = responseSchemaRef(doc, operation, status);
  if (schema) expect(validator.validate(schema, body)).toEqual([]);
  else expect(body).toBeUndefined();
}
