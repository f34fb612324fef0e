// The operations with IMS reference pages must stay exactly faithful to those pages' bodies.
import { describe, expect, it } from "vitest";
import {
  deref,
  loadSpec,
  type MediaTypeObject,
  operationById,
  responseSchemaRef,
  schemaValidator,
} from "../../src/spec/openapi.ts";
import { seedBodies } from "./seed-bodies.ts";

const spec = loadSpec();
const validator = schemaValidator(spec);

function examplesOf(media: MediaTypeObject | undefined): unknown[] {
  return Object.values(media?.examples ?? {}).map((e) => deref(spec, e).value);
}

describe.each(Object.entries(seedBodies))("%s", (operationId, bodies) => {
  const operation = operationById(spec, operationId);
  const success = operation.op.responses["200"];

  it("answers 200 with the seed's response body, which the schema accepts", () => {
    const ref = responseSchemaRef(spec, operation, "200");
    expect(ref).toBeDefined();
    expect(validator.validate(ref ?? "", bodies.response)).toEqual([]);
  });

  it("uses the seed's response body as a named example", () => {
    const media = success && deref(spec, success).content?.["application/json"];
    expect(examplesOf(media)).toContainEqual(bodies.response);
  });

  if ("requests" in bodies) {
    it.each(bodies.requests.map((request, i) => [i + 1, request] as const))(
      "accepts the page's request body %i and shows it as a named example",
      (_, request) => {
        const media = operation.op.requestBody?.content["application/json"];
        const ref = media?.schema?.$ref;
        expect(ref).toBeDefined();
        expect(validator.validate(ref ?? "", request)).toEqual([]);
        expect(examplesOf(media)).toContainEqual(request);
      },
    );
  }

  it("declares every error status the seed page lists", () => {
    for (const status of ["400", "401", "403", "404", "500", "503"])
      expect(operation.op.responses).toHaveProperty(status);
  });
});

describe("seed field names and constants", () => {
  it("names the member fields as the seed does and fixes the schema paths", () => {
    const member = spec.components.schemas?.ImageMember as {
      required: string[];
      properties: Record<string, { const?: string }>;
    };
    expect([...member.required].sort()).toEqual([
      "created_at",
      "image_id",
      "member_id",
      "schema",
      "status",
      "updated_at",
    ]);
    expect(member.properties.schema?.const).toBe("/v2/schemas/member");
    const list = spec.components.schemas?.ImageMemberList as { properties: Record<string, { const?: string }> };
    expect(list.properties.schema?.const).toBe("/v2/schemas/members");
  });

  it("rejects a member body whose schema path is wrong", () => {
    const wrong = { ...seedBodies.addImageMember.response, schema: "/v2/schemas/image" };
    expect(validator.validate("#/components/schemas/ImageMember", wrong)).not.toEqual([]);
  });
});
