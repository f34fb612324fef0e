// The Prism mock (`npm run mock`) answers every operation with the examples documented in the spec.
import { describe, expect, it } from "vitest";
import { loadSpec, operations, responseSchemaRef, schemaValidator } from "../../src/spec/openapi.ts";
import { exampleBody, examplePath, responseExamples, send, usePrism } from "./requests.ts";

const doc = loadSpec();
const validator = schemaValidator(doc);
const prism = usePrism();

describe.each(operations(doc).map((o) => [o.op.operationId, o] as const))("%s", (_, operation) => {
  const successStatus = Object.keys(operation.op.responses).find((s) => s.startsWith("2"));
  const examples = responseExamples(doc, operation);

  it("answers a plain valid request with its success status and a body that fits the schema", async () => {
    const response = await send(prism().url, operation.method, examplePath(operation), {
      body: exampleBody(doc, operation),
    });
    expect(String(response.status)).toBe(successStatus);
    const schema = responseSchemaRef(doc, operation, String(response.status));
    if (schema) expect(validator.validate(schema, response.body)).toEqual([]);
    else expect(response.body).toBeUndefined();
  });

  it.each(examples.map((e) => [`${e.status} ${e.name}`, e] as const))(
    "returns example %s verbatim when asked for it",
    async (_label, example) => {
      const response = await send(prism().url, operation.method, examplePath(operation), {
        body: exampleBody(doc, operation),
        headers: { Prefer: `code=${example.status}, example=${example.name}` },
      });
      expect(response.status).toBe(Number(example.status));
      expect(response.body).toEqual(example.value);
      const schema = responseSchemaRef(doc, operation, example.status);
      expect(schema, "every documented body has a schema").toBeDefined();
      expect(validator.validate(schema ?? "", response.body)).toEqual([]);
    },
  );
});

describe("Prefer headers", () => {
  const show = operations(doc).find((o) => o.op.operationId === "showJob");

  it("refuses an example name the operation does not document", async () => {
    if (!show) throw new Error("showJob is missing from the spec");
    const response = await send(prism().url, "get", examplePath(show), {
      headers: { Prefer: "example=no-such-example" },
    });
    expect(response.status).toBe(404);
  });

  it("refuses a status code the operation does not document", async () => {
    if (!show) throw new Error("showJob is missing from the spec");
    const response = await send(prism().url, "get", examplePath(show), { headers: { Prefer: "code=418" } });
    expect(response.status).toBe(404);
  });
});
