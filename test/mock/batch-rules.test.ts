// The mock enforces the request rules of the batch answer and removal that a client is most likely
// to get wrong: `pending` in a batch answer, a repeated id, and a DELETE whose body went missing.
import { describe, expect, it } from "vitest";
import { loadSpec, operationById, responseSchemaRef, schemaValidator } from "../../src/spec/openapi.ts";
import { exampleBody, send, usePrism } from "./requests.ts";

const doc = loadSpec();
const validator = schemaValidator(doc);
const prism = usePrism();
const update = operationById(doc, "batchUpdateImageMembers");
const remove = operationById(doc, "batchRemoveImageMembers");

/** Where Prism found each problem, with its message for problems of the request as a whole. */
function violations(headers: Headers): string[] {
  const list = JSON.parse(headers.get("sl-violations") ?? "[]") as { location: string[]; message: string }[];
  return list.map((v) => (v.location.length > 1 ? v.location.join(".") : `${v.location.join(".")}: ${v.message}`));
}

async function expectImsBadRequest(response: { status: number; body: unknown }) {
  expect(response.status).toBe(400);
  expect(validator.validate(responseSchemaRef(doc, update, "400") ?? "", response.body)).toEqual([]);
}

describe("batch answer", () => {
  const valid = exampleBody(doc, update) as Record<string, unknown>;

  it("refuses pending, which only the single-member update takes", async () => {
    const response = await send(prism().url, "put", update.path, { body: { ...valid, status: "pending" } });
    await expectImsBadRequest(response);
    expect(violations(response.headers)).toContain("request.body.status");
  });

  it("refuses the same image twice", async () => {
    const image = (valid.images as string[])[0];
    const response = await send(prism().url, "put", update.path, { body: { ...valid, images: [image, image] } });
    await expectImsBadRequest(response);
    expect(violations(response.headers)).toContain("request.body.images");
  });
});

describe("batch removal", () => {
  it("answers 200 with a job id to a DELETE with a JSON body", async () => {
    const response = await send(prism().url, "delete", remove.path, { body: exampleBody(doc, remove) });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ job_id: expect.stringMatching(/^[0-9a-f]{32}$/) });
  });

  it("refuses a DELETE without its body", async () => {
    const response = await send(prism().url, "delete", remove.path);
    await expectImsBadRequest(response);
    expect(violations(response.headers)).toEqual([expect.stringMatching(/^request: .*body/i)]);
  });
});
