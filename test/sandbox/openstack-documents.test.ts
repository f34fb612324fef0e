// The version list and JSON schemas that OpenStack clients fetch before the member routes.
import { Ajv2020 } from "ajv/dist/2020.js";
import { beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/sandbox/server.ts";
import { call, image, project, sandboxForFile, token } from "./helpers.ts";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await sandboxForFile();
});

describe("the version list", () => {
  it.each(["/", "/versions"])("is served at %s without a token and points back at the sandbox", async (path) => {
    const reply = await call(sandbox.url, "GET", path);
    expect(reply.status).toBe(200);
    expect(reply.body.versions).toContainEqual(
      expect.objectContaining({
        id: expect.stringMatching(/^v2\./),
        status: "CURRENT",
        links: [{ rel: "self", href: `${sandbox.url}/v2/` }],
      }),
    );
    expect(reply.headers.get("x-openstack-request-id")).toMatch(/^req-/);
  });
});

describe("the schemas", () => {
  it("need a token, as in Glance", async () => {
    expect((await call(sandbox.url, "GET", "/v2/schemas/member")).status).toBe(401);
  });

  it("describe the member objects the sandbox returns", async () => {
    const member = await call(sandbox.url, "GET", "/v2/schemas/member", { token: token.owner });
    const members = await call(sandbox.url, "GET", "/v2/schemas/members", { token: token.owner });
    expect(member.body.name).toBe("member");
    expect(member.body.properties.status.enum).toEqual(["pending", "accepted", "rejected"]);
    expect(members.body.name).toBe("members");
    expect(members.body.properties.members.items).toEqual(member.body);

    await call(sandbox.url, "POST", `/v2/images/${image.shared}/members`, {
      token: token.owner,
      json: { member: project.member },
    });
    const listed = await call(sandbox.url, "GET", `/v2/images/${image.shared}/members`, { token: token.owner });
    const ajv = new Ajv2020({ strict: false });
    expect(ajv.validate(members.body, listed.body), JSON.stringify(ajv.errors)).toBe(true);
    expect(ajv.validate(member.body, listed.body.members[0]), JSON.stringify(ajv.errors)).toBe(true);
  });

  it("include an image schema without the `stores` property that breaks glanceclient 4.1", async () => {
    const reply = await call(sandbox.url, "GET", "/v2/schemas/image", { token: token.owner });
    expect(reply.body.name).toBe("image");
    expect(Object.keys(reply.body.properties)).toEqual(expect.arrayContaining(["id", "name", "visibility", "owner"]));
    expect(reply.body.properties).not.toHaveProperty("stores");
  });
});
