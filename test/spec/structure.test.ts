// The layout rules of the contract: the root is a table of contents, one component per file named
// after it, and the eleven operations are exactly the ones the kit promises.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadSpec, operations, repoRoot } from "../../src/spec/openapi.ts";

const openapiDir = join(repoRoot, "openapi");
const root = parse(readFileSync(join(openapiDir, "openapi.yaml"), "utf8")) as {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
  components: Record<string, Record<string, { $ref?: string }>>;
};
const spec = loadSpec();

describe("operations", () => {
  const byId = Object.fromEntries(operations(spec).map((o) => [o.op.operationId, o]));

  it.each([
    ["addImageMember", "post", "/v2/images/{image_id}/members", "200"],
    ["listImageMembers", "get", "/v2/images/{image_id}/members", "200"],
    ["batchAddImageMembers", "post", "/v1/cloudimages/members", "200"],
    ["showJob", "get", "/v1/{project_id}/jobs/{job_id}", "200"],
    ["showImageMember", "get", "/v2/images/{image_id}/members/{member_id}", "200"],
    ["updateImageMember", "put", "/v2/images/{image_id}/members/{member_id}", "200"],
    ["removeImageMember", "delete", "/v2/images/{image_id}/members/{member_id}", "204"],
    ["batchUpdateImageMembers", "put", "/v1/cloudimages/members", "200"],
    ["batchRemoveImageMembers", "delete", "/v1/cloudimages/members", "200"],
    ["showImageMemberSchema", "get", "/v2/schemas/member", "200"],
    ["showImageMembersSchema", "get", "/v2/schemas/members", "200"],
  ])("%s is %s %s and succeeds with %s only", (id, method, path, success) => {
    const operation = byId[id];
    expect(operation).toMatchObject({ method, path });
    expect(Object.keys(operation?.op.responses ?? {}).filter((s) => s.startsWith("2"))).toEqual([success]);
  });

  it("has no operation beyond those eleven", () => {
    expect(operations(spec)).toHaveLength(11);
  });

  it("is OpenAPI 3.1.0", () => {
    expect(root.openapi).toBe("3.1.0");
    expect(spec.openapi).toBe("3.1.0");
  });
});

describe("root document", () => {
  it("lists each path as nothing but a $ref to its own file under paths/", () => {
    for (const [path, item] of Object.entries(root.paths)) {
      expect(Object.keys(item)).toEqual(["$ref"]);
      const expected = `paths/${path.slice(1).replaceAll("/", "_")}.yaml`;
      expect(item.$ref).toBe(expected);
    }
  });

  it("registers every component as a $ref to a file named after it", () => {
    const folders: Record<string, string> = {
      schemas: "schemas",
      parameters: "parameters",
      responses: "responses",
      examples: "examples",
      headers: "headers",
      links: "links",
    };
    for (const [kind, folder] of Object.entries(folders)) {
      const registered = root.components[kind] ?? {};
      for (const [name, value] of Object.entries(registered))
        expect(value.$ref).toBe(`components/${folder}/${name}.yaml`);
      const files = readdirSync(join(openapiDir, "components", folder)).map((f) => f.replace(/\.yaml$/, ""));
      expect(files.sort()).toEqual(Object.keys(registered).sort());
    }
  });
});
