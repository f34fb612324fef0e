// The mock validates requests against the spec: a request that breaks the schema gets the declared
// 400, a request without X-Auth-Token the declared 401, both with the spec's error shape.
import { describe, expect, it } from "vitest";
import { loadSpec, type Operation, operations, responseSchemaRef, schemaValidator } from "../../src/spec/openapi.ts";
import { exampleBody, examplePath, send, usePrism } from "./requests.ts";

const doc = loadSpec();
const validator = schemaValidator(doc);
const prism = usePrism();

function expectDeclaredError(operation: Operation, status: string, response: { status: number; body: unknown }) {
  expect(response.status).toBe(Number(status));
  const schema = responseSchemaRef(doc, operation, status);
  expect(schema, `${operation.op.operationId} declares a ${status} body`).toBeDefined();
  expect(validator.validate(schema ?? "", response.body)).toEqual([]);
}

/** Prism lists what it found wrong in the sl-violations header. */
function violations(headers: Headers): { location: string[]; message: string }[] {
  return JSON.parse(headers.get("sl-violations") ?? "[]") as { location: string[]; message: string }[];
}

const all = operations(doc).map((o) => [o.op.operationId, o] as const);
const withBody = all.filter(([, o]) => o.op.requestBody);

describe.each(all)("%s", (_, operation) => {
  it("answers 401 with the error shape when X-Auth-Token is missing", async () => {
    const response = await send(prism().url, operation.method, examplePath(operation), {
      body: exampleBody(doc, operation),
      token: null,
    });
    expectDeclaredError(operation, "401", response);
  });

  it.each(operation.parameters.filter((p) => p.in === "path").map((p) => [p.name] as const))(
    "answers 400 with the error shape when path parameter %s is malformed",
    async (name) => {
      const response = await send(prism().url, operation.method, examplePath(operation, { [name]: "not-an-id" }), {
        body: exampleBody(doc, operation),
      });
      expectDeclaredError(operation, "400", response);
      expect(violations(response.headers).map((v) => v.location.join("."))).toContain(`request.path.${name}`);
    },
  );
});

describe.each(withBody)("%s request body", (_, operation) => {
  const valid = exampleBody(doc, operation) as Record<string, unknown>;
  const [firstField] = Object.keys(valid);

  it("answers 400 when a required field is missing", async () => {
    const response = await send(prism().url, operation.method, examplePath(operation), { body: {} });
    expectDeclaredError(operation, "400", response);
    expect(violations(response.headers).some((v) => v.location.join(".").startsWith("request.body"))).toBe(true);
  });

  it("answers 400 when a field has the wrong type", async () => {
    const response = await send(prism().url, operation.method, examplePath(operation), {
      body: { ...valid, [firstField ?? "x"]: 42 },
    });
    expectDeclaredError(operation, "400", response);
  });

  it("answers 400 to a field the schema does not allow", async () => {
    const response = await send(prism().url, operation.method, examplePath(operation), {
      body: { ...valid, unexpected: true },
    });
    expectDeclaredError(operation, "400", response);
  });

  it("accepts the documented request example", async () => {
    const response = await send(prism().url, operation.method, examplePath(operation), { body: valid });
    expect(response.status).toBeLessThan(300);
    expect(response.headers.get("sl-violations")).toBeNull();
  });
});
