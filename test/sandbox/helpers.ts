// Shared by the sandbox tests: the default seed's ids and tokens, a small HTTP caller, and a check
// of responses against the contract.
import { type ChildProcessByStdio, spawn } from "node:child_process";
import { request as httpRequest } from "node:http";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { afterAll, expect } from "vitest";
import { defaultSeedPath, loadSeedFile, type Seed } from "../../src/sandbox/seed.ts";
import { type Sandbox, type SandboxOptions, startSandbox } from "../../src/sandbox/server.ts";
import {
  deref,
  loadSpec,
  operationById,
  type ResponseObject,
  responseSchemaRef,
  schemaValidator,
} from "../../src/spec/openapi.ts";

export const project = {
  owner: "4c5d8f1a0b2e4a6f9d3c7b1e2a5f8c0d",
  member: "edc89b490d7d4392898e19b2deb34797",
  member2: "9c61004714024f9586705d090530f9fa",
  stranger: "1f2e3d4c5b6a47988796a5b4c3d2e1f0",
} as const;

export const token = {
  owner: "owner-token",
  member: "member-token",
  member2: "member2-token",
  stranger: "stranger-token",
} as const;

export const image = {
  privateOne: "d164b5df-1bc3-4c3f-893e-3e471fd16e64",
  shared: "0b680482-acaa-4045-b14c-9a8c7dfe9c70",
  privateTwo: "5a5e450f-91e1-4b1e-9e1c-945ca7576170",
  sharedTwo: "29a8972f-fa90-4c3d-be65-c13a9c4edb5a",
  public: "1c88b93c-5c0a-4c86-96e1-05bb5370e7a8",
  strangers: "ba81d6a6-2161-41a7-8252-42f4b0d43d48",
} as const;

/** Ids of well-formed images that only seedWithImages creates: `00000000-0000-4000-8000-<n in hex>`, from 1. */
export const bulkImages = (count: number) =>
  Array.from({ length: count }, (_, i) => `00000000-0000-4000-8000-${(i + 1).toString(16).padStart(12, "0")}`);

/** The default seed plus `count` private images of the owner's (bulkImages). */
export function seedWithImages(count: number): Seed {
  const seed = loadSeedFile(defaultSeedPath);
  const extra = bulkImages(count).map((id, i) => ({
    id,
    name: `bulk-${i + 1}`,
    owner: project.owner,
    visibility: "private" as const,
  }));
  return { projects: seed.projects, images: [...seed.images, ...extra] };
}

/** A project id no seed lists; the sandbox accepts it as a member all the same. */
export const unknownProject = (n: number) => n.toString(16).padStart(32, "a");

// Everything the helpers start is stopped once the importing test file is done. Registered here, at
// import time, because hooks added from inside a test or a beforeAll would not run.
const cleanups: (() => Promise<unknown> | undefined)[] = [];
afterAll(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

/** Starts a quiet sandbox on a free port, stopped after the file's tests. */
export async function sandboxForFile(options: SandboxOptions = {}): Promise<Sandbox> {
  const sandbox = await startSandbox({ port: 0, quiet: true, ...options });
  cleanups.push(() => sandbox.close());
  return sandbox;
}

export interface Reply {
  status: number;
  headers: Headers;
  /** Parsed JSON, or the raw text when the body is not JSON, or undefined when empty. */
  body: any;
  text: string;
}

export interface CallOptions {
  token?: string | undefined;
  /** Sent as JSON with Content-Type: application/json. */
  json?: unknown;
  /** Sent as-is (set the Content-Type yourself). */
  raw?: string;
  headers?: Record<string, string>;
}

export async function call(baseUrl: string, method: string, path: string, options: CallOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { Accept: "application/json", ...options.headers };
  if (options.token !== undefined) headers["X-Auth-Token"] = options.token;
  let body = options.raw;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers["Content-Type"] ??= "application/json";
  }
  // fetch refuses a body on GET; such requests go through node:http.
  const response =
    method === "GET" && body !== undefined
      ? await getWithBody(`${baseUrl}${path}`, headers, body)
      : await fetch(`${baseUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

/** A GET that carries a body, answered as a fetch Response. */
function getWithBody(url: string, headers: Record<string, string>, body: string): Promise<Response> {
  return new Promise((resolveGet, reject) => {
    // Node frames a GET body only when told how: by its length unless the caller chose chunks.
    const framing = headers["Transfer-Encoding"] ? {} : { "Content-Length": String(Buffer.byteLength(body)) };
    const request = httpRequest(url, { method: "GET", headers: { ...headers, ...framing } }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(response.headers))
          if (typeof value === "string") responseHeaders.set(name, value);
        resolveGet(new Response(Buffer.concat(chunks), { status: response.statusCode ?? 0, headers: responseHeaders }));
      });
    });
    request.on("error", reject);
    request.end(body);
  });
}

/** Binds `call` to one sandbox. */
export function caller(baseUrl: string) {
  return (method: string, path: string, options?: CallOptions) => call(baseUrl, method, path, options);
}

export const spec = loadSpec();
const validator = schemaValidator(spec);

/** Errors of `value` against the spec schema at `ref` (empty when it conforms). */
export const schemaCheck = (ref: string, value: unknown): string[] => validator.validate(ref, value);

/**
 * Asserts that a response is one the contract declares for the operation: the status is listed,
 * the body matches the declared schema, and every declared header is present and well-formed.
 */
export function expectConforms(operationId: string, reply: Reply): void {
  const operation = operationById(spec, operationId);
  const status = String(reply.status);
  expect(Object.keys(operation.op.responses), `${operationId} does not declare ${status}`).toContain(status);
  const ref = responseSchemaRef(spec, operation, status);
  if (ref) {
    expect(reply.headers.get("content-type")).toMatch(/^application\/json/);
    expect(validator.validate(ref, reply.body), `${operationId} ${status} body: ${reply.text}`).toEqual([]);
  } else {
    expect(reply.text).toBe("");
  }
  const response = deref<ResponseObject>(spec, operation.op.responses[status] as ResponseObject);
  for (const [name, header] of Object.entries(response.headers ?? {})) {
    const value = reply.headers.get(name);
    expect(value, `${operationId} ${status} header ${name}`).not.toBeNull();
    expect(validator.validate(`${header.$ref ?? ""}/schema`, value), `${operationId} ${status} header ${name}`).toEqual(
      [],
    );
  }
}

/** Polls a job until it is SUCCESS or FAIL, collecting every state seen on the way. */
export async function pollJob(
  baseUrl: string,
  tokenValue: string,
  projectId: string,
  jobId: string,
  intervalMs = 5,
): Promise<{ final: any; seen: any[] }> {
  const seen: any[] = [];
  for (;;) {
    const reply = await call(baseUrl, "GET", `/v1/${projectId}/jobs/${jobId}`, { token: tokenValue });
    expect(reply.status).toBe(200);
    seen.push(reply.body);
    if (reply.body.status === "SUCCESS" || reply.body.status === "FAIL") return { final: reply.body, seen };
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export const cliPath = resolve(import.meta.dirname, "..", "..", "src", "sandbox", "cli.ts");

/** Runs the sandbox CLI to completion and returns its exit code and output. */
export function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, ["--import", "tsx", cliPath, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("exit", (code) => resolveRun({ code, stdout, stderr }));
  });
}

export interface CliSandbox {
  child: ChildProcessByStdio<null, Readable, Readable>;
  url: string;
  /** Every stdout line so far, the "listening" line first. */
  lines: string[];
}

/** Starts the sandbox CLI and resolves once it prints its address; killed after the file's tests. */
export function startCli(args: string[]): Promise<CliSandbox> {
  const child = spawn(process.execPath, ["--import", "tsx", cliPath, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    return undefined;
  });
  const lines: string[] = [];
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolveStart, reject) => {
    child.once("exit", (code) => reject(new Error(`sandbox exited early with ${code}: ${stderr}`)));
    createInterface({ input: child.stdout }).on("line", (line) => {
      lines.push(line);
      const match = /^sandbox listening on (http:\/\/\S+)$/.exec(line);
      if (match) resolveStart({ child, url: match[1] as string, lines });
    });
  });
}
