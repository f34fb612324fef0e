// The schema routes: what the contract declares must accept what real Glance serves (recorded in
// glance-behaviour.md §3.6) and what the sandbox serves for OpenStack clients, and must refuse a
// document that drops what clients rely on.
import { describe, expect, it } from "vitest";
import { schemaDocuments } from "../../src/sandbox/http/openstack.ts";
import { loadSpec, operationById, resolvePointer, responseSchemaRef, schemaValidator } from "../../src/spec/openapi.ts";

const spec = loadSpec();
const validator = schemaValidator(spec);
const memberRef = responseSchemaRef(spec, operationById(spec, "showImageMemberSchema"), "200") ?? "";
const membersRef = responseSchemaRef(spec, operationById(spec, "showImageMembersSchema"), "200") ?? "";

// GET /v2/schemas/member on Glance Zed 25.1.0, verbatim.
const glanceMember = {
  name: "member",
  properties: {
    member_id: { type: "string", description: "An identifier for the image member (tenantId)" },
    image_id: {
      type: "string",
      description: "An identifier for the image",
      pattern: "^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$",
    },
    created_at: { type: "string", description: "Date and time of image member creation" },
    updated_at: { type: "string", description: "Date and time of last modification of image member" },
    status: {
      type: "string",
      description: "The status of this image member",
      enum: ["pending", "accepted", "rejected"],
    },
    schema: { readOnly: true, type: "string" },
  },
};
// GET /v2/schemas/members: the member document as items, plus a describedby link.
const glanceMembers = {
  name: "members",
  properties: { members: { type: "array", items: glanceMember }, schema: { type: "string" } },
  links: [{ rel: "describedby", href: "{schema}" }],
};

describe("the declared schema documents", () => {
  it("point at the member and member-list document schemas", () => {
    expect(memberRef).toBe("#/components/schemas/MemberSchemaDocument");
    expect(membersRef).toBe("#/components/schemas/MemberListSchemaDocument");
  });

  it("accept what Glance serves, and use it as their examples", () => {
    expect(validator.validate(memberRef, glanceMember)).toEqual([]);
    expect(validator.validate(membersRef, glanceMembers)).toEqual([]);
    expect(resolvePointer<{ value: unknown }>(spec, "#/components/examples/MemberSchema").value).toEqual(glanceMember);
    expect(resolvePointer<{ value: unknown }>(spec, "#/components/examples/MemberListSchema").value).toEqual(
      glanceMembers,
    );
  });

  it("accept what the sandbox serves to OpenStack clients", () => {
    expect(validator.validate(memberRef, schemaDocuments.member)).toEqual([]);
    expect(validator.validate(membersRef, schemaDocuments.members)).toEqual([]);
  });

  it("accept a server that adds fields and Glance's strict form", () => {
    const extended = {
      ...glanceMember,
      additionalProperties: false,
      properties: { ...glanceMember.properties, member_type: { type: "string", description: "Huawei only." } },
    };
    expect(validator.validate(memberRef, extended)).toEqual([]);
  });

  it.each([
    ["a missing member field", { ...glanceMember, properties: { ...glanceMember.properties, status: undefined } }],
    [
      "a status enum without pending",
      {
        ...glanceMember,
        properties: { ...glanceMember.properties, status: { type: "string", enum: ["accepted", "rejected"] } },
      },
    ],
    [
      "an image_id without a pattern",
      { ...glanceMember, properties: { ...glanceMember.properties, image_id: { type: "string" } } },
    ],
    ["another schema's name", { ...glanceMember, name: "image" }],
  ])("refuse a member document with %s", (_, document) => {
    expect(validator.validate(memberRef, JSON.parse(JSON.stringify(document)))).not.toEqual([]);
  });

  it("refuse a member-list document without its link or with foreign items", () => {
    const { links: _links, ...unlinked } = glanceMembers;
    expect(validator.validate(membersRef, unlinked)).not.toEqual([]);
    const foreign = { ...glanceMembers, properties: { ...glanceMembers.properties, members: { type: "array" } } };
    expect(validator.validate(membersRef, foreign)).not.toEqual([]);
  });
});
