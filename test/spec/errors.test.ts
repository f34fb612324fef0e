// Error answers: every declared 4xx/5xx has a JSON body, of the shape its route family uses, and
// every operation declares the statuses authentication and validation can produce.
import { describe, expect, it } from "vitest";
import { loadSpec, operations, responseSchemaRef, schemaValidator } from "../../src/spec/openapi.ts";

const spec = loadSpec();
const validator = schemaValidator(spec);
const all = operations(spec);

describe.each(all.map((o) => [o.op.operationId, o] as const))("%s", (_, operation) => {
  const family = operation.path.startsWith("/v2/") ? "OpenStackError" : "ImsError";
  const errorStatuses = Object.keys(operation.op.responses).filter((s) => /^[45]/.test(s));

  it(`answers every error with the ${family} body`, () => {
    expect(errorStatuses.length).toBeGreaterThan(0);
    for (const status of errorStatuses)
      expect(responseSchemaRef(spec, operation, status), status).toBe(`#/components/schemas/${family}`);
  });

  it("declares 400, 401, 500 and 503", () => {
    for (const status of ["400", "401", "500", "503"]) expect(errorStatuses).toContain(status);
  });

  it("says when each error is returned", () => {
    for (const status of errorStatuses)
      expect(operation.op.responses[status]?.description).toMatch(/^Returned (when|by)/);
  });

  it("declares no catch-all default, so an undeclared status is a contract failure", () => {
    expect(operation.op.responses).not.toHaveProperty("default");
  });
});

describe("error shapes", () => {
  it("accept what real Glance sends, trailing HTML breaks included", () => {
    const glance = {
      message:
        "nobody not found in the member list of the image 5a5e450f-91e1-4b1e-9e1c-945ca7576170.<br /><br />\n\n\n",
      code: "404 Not Found",
      title: "Not Found",
    };
    expect(validator.validate("#/components/schemas/OpenStackError", glance)).toEqual([]);
  });

  it("accept the IMS error object and reject a flat gateway body", () => {
    expect(
      validator.validate("#/components/schemas/ImsError", {
        error: { code: "IMG.0024", message: "Invalid parameter." },
      }),
    ).toEqual([]);
    expect(
      validator.validate("#/components/schemas/ImsError", {
        error_code: "APIG.0301",
        error_msg: "Incorrect IAM authentication information",
      }),
    ).not.toEqual([]);
  });

  it("reject an OpenStack error whose code is a bare number", () => {
    expect(
      validator.validate("#/components/schemas/OpenStackError", { message: "x", code: 404, title: "Not Found" }),
    ).toEqual(["/code: must be string"]);
  });
});
