// Every example in the contract is valid against its own schema, and every body has one: the mock,
// the docs and client authors all read these examples as truth.
import { describe, expect, it } from "vitest";
import {
  deref,
  loadSpec,
  operations,
  type ResponseObject,
  resolvePointer,
  responseSchemaRef,
  schemaValidator,
} from "../../src/spec/openapi.ts";

const spec = loadSpec();
const validator = schemaValidator(spec);
const cases: [string, string, unknown][] = [];

for (const operation of operations(spec)) {
  const { operationId, requestBody, responses } = operation.op;
  const request = requestBody?.content["application/json"];
  for (const [name, example] of Object.entries(request?.examples ?? {})) {
    cases.push([`${operationId} request example ${name}`, request?.schema?.$ref ?? "", deref(spec, example).value]);
  }
  for (const [status, raw] of Object.entries(responses)) {
    const media = deref<ResponseObject>(spec, raw).content?.["application/json"];
    for (const [name, example] of Object.entries(media?.examples ?? {})) {
      cases.push([
        `${operationId} ${status} example ${name}`,
        responseSchemaRef(spec, operation, status) ?? "",
        deref(spec, example).value,
      ]);
    }
  }
  for (const parameter of operation.parameters) {
    cases.push([
      `${operationId} parameter ${parameter.name} example`,
      `#/components/parameters/${pascal(parameter.name)}/schema`,
      parameter.example,
    ]);
  }
}

function pascal(name: string): string {
  return name.replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase());
}

describe("examples", () => {
  it("exist in quantity", () => {
    expect(cases.length).toBeGreaterThan(40);
  });

  it.each(cases)("%s is valid against its schema", (_, ref, value) => {
    expect(ref).not.toBe("");
    expect(value).toBeDefined();
    expect(validator.validate(ref, value)).toEqual([]);
  });

  it.each(operations(spec).map((o) => [o.op.operationId, o] as const))(
    "%s has a named example on every body",
    (_, operation) => {
      const bodies = [
        operation.op.requestBody?.content["application/json"],
        ...Object.values(operation.op.responses).map(
          (r) => deref<ResponseObject>(spec, r).content?.["application/json"],
        ),
      ];
      for (const media of bodies.filter((m) => m !== undefined))
        expect(Object.keys(media.examples ?? {}).length).toBeGreaterThan(0);
    },
  );

  it("catches an example that breaks its schema", () => {
    const running = resolvePointer<{ value: object }>(spec, "#/components/examples/JobRunning").value;
    expect(validator.validate("#/components/schemas/Job", { ...running, status: "DONE" })).toEqual([
      '/status: must be one of "INIT", "RUNNING", "SUCCESS", "FAIL"',
    ]);
  });
});
