// Builds requests from the spec itself: path parameters from their examples, bodies from the first
// named request example. Shared by the mock tests.
import { afterAll, beforeAll } from "vitest";
import { type RunningServer, startPrism } from "../../scripts/lib/processes.ts";
import {
  deref,
  type MediaTypeObject,
  type OpenApiDocument,
  type Operation,
  type ResponseObject,
} from "../../src/spec/openapi.ts";

export interface NamedExample {
  status: string;
  name: string;
  value: unknown;
}

export function examplePath(operation: Operation, overrides: Record<string, string> = {}): string {
  return operation.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const parameter = operation.parameters.find((p) => p.name === name && p.in === "path");
    const value = overrides[name] ?? parameter?.example;
    if (typeof value !== "string")
      throw new Error(`${operation.op.operationId}: path parameter ${name} has no example`);
    return encodeURIComponent(value);
  });
}

export function exampleBody(doc: OpenApiDocument, operation: Operation): unknown {
  const media = operation.op.requestBody?.content["application/json"];
  return media ? namedExamples(doc, media)[0]?.value : undefined;
}

/** Every named example of every response of the operation, with its status. */
export function responseExamples(doc: OpenApiDocument, operation: Operation): NamedExample[] {
  return Object.entries(operation.op.responses).flatMap(([status, raw]) => {
    const media = deref<ResponseObject>(doc, raw).content?.["application/json"];
    return media ? namedExamples(doc, media).map((e) => ({ status, ...e })) : [];
  });
}

function namedExamples(doc: OpenApiDocument, media: MediaTypeObject): { name: string; value: unknown }[] {
  return Object.entries(media.examples ?? {}).map(([name, example]) => ({ name, value: deref(doc, example).value }));
}

export async function send(
  baseUrl: string,
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string>; token?: string | null } = {},
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const headers: Record<string, string> = { Accept: "application/json", ...options.headers };
  if (options.token !== null) headers["X-Auth-Token"] = options.token ?? "any-token";
  if (options.body !== undefined) headers["Content-Type"] ??= "application/json";
  const response = await fetch(baseUrl + path, {
    method: method.toUpperCase(),
    headers,
    ...(options.body !== undefined
      ? { body: typeof options.body === "string" ? options.body : JSON.stringify(options.body) }
      : {}),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // left as text; the assertions say what was expected
  }
  return { status: response.status, body, headers: response.headers };
}

/** Starts a Prism mock on a free port for the calling test file; the getter returns it once started. */
export function usePrism(): () => RunningServer {
  let prism: RunningServer | undefined;
  beforeAll(async () => {
    prism = await startPrism();
  });
  afterAll(async () => {
    await prism?.stop();
  });
  return () => {
    if (!prism) throw new Error("Prism is not running yet");
    return prism;
  };
}
