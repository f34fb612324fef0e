// The /v2 member routes over HTTP: every declared status, and the member lifecycle end to end, each
// response checked against the contract.
import { beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/sandbox/server.ts";
import { call, caller, expectConforms, image, project, sandboxForFile, token, unknownProject } from "./helpers.ts";
import { type HttpCase, memberCases, sendCase } from "./http-cases.ts";

let main: Sandbox;
let full: Sandbox;

beforeAll(async () => {
  [main, full] = await Promise.all([sandboxForFile(), sandboxForFile({ memberLimit: 1 })]);
  const owner = (url: string, imageId: string, memberId: string) =>
    call(url, "POST", `/v2/images/${imageId}/members`, { token: token.owner, json: { member: memberId } });
  for (const [imageId, memberId] of [
    [image.shared, project.member],
    [image.shared, project.member2],
    [image.privateOne, project.member],
    [image.privateTwo, project.member2],
    [image.privateTwo, unknownProject(2)],
  ] as const) {
    expect((await owner(main.url, imageId, memberId)).status).toBe(200);
  }
  expect(
    (
      await call(main.url, "PUT", `/v2/images/${image.shared}/members/${project.member}`, {
        token: token.member,
        json: { status: "accepted" },
      })
    ).status,
  ).toBe(200);
  expect((await owner(full.url, image.shared, project.member)).status).toBe(200);
});

describe.each([...new Set(memberCases.map((c) => c.operationId))])("%s", (operationId) => {
  const cases = memberCases.filter((c) => c.operationId === operationId);
  it.each(cases.map((c): [string, HttpCase] => [`${c.status} ${c.name}`, c]))("%s", async (_title, c) => {
    const reply = await sendCase(c, { default: main.url, full: full.url }, { jobId: "" });
    expect(reply.status, reply.text).toBe(c.status);
    expectConforms(operationId, reply);
    if (c.message) expect(reply.body.message).toContain(c.message);
    if (reply.status >= 400) expect(reply.body.code).toBe(`${c.status} ${reply.body.title}`);
  });
});

describe("what each caller sees", () => {
  it("gives the owner every member and a member only its own row", async () => {
    const api = caller(main.url);
    const asOwner = await api("GET", `/v2/images/${image.shared}/members`, { token: token.owner });
    const asMember = await api("GET", `/v2/images/${image.shared}/members`, { token: token.member });
    expect(asOwner.body.members.map((m: { member_id: string }) => m.member_id)).toEqual([
      project.member,
      project.member2,
    ]);
    expect(asMember.body.members).toEqual([expect.objectContaining({ member_id: project.member, status: "accepted" })]);
  });
});

describe("a share from start to end", () => {
  it("adds, lists, accepts, shows, removes and re-adds a member as the contract says", async () => {
    const api = caller(main.url);
    const path = `/v2/images/${image.sharedTwo}/members`;
    const memberPath = `${path}/${project.member}`;

    const added = await api("POST", path, { token: token.owner, json: { member: project.member } });
    expectConforms("addImageMember", added);
    expect(added.body).toMatchObject({
      member_id: project.member,
      image_id: image.sharedTwo,
      status: "pending",
      schema: "/v2/schemas/member",
    });
    expect(added.body.created_at).toBe(added.body.updated_at);
    expect(added.body.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Math.abs(Date.parse(added.body.created_at) - Date.now())).toBeLessThan(60_000);

    const listed = await api("GET", path, { token: token.member });
    expectConforms("listImageMembers", listed);
    expect(listed.body).toEqual({ members: [added.body], schema: "/v2/schemas/members" });

    const accepted = await api("PUT", memberPath, { token: token.member, json: { status: "accepted" } });
    expectConforms("updateImageMember", accepted);
    expect(accepted.body).toMatchObject({ status: "accepted", created_at: added.body.created_at });

    const shown = await api("GET", memberPath, { token: token.owner });
    expectConforms("showImageMember", shown);
    expect(shown.body).toEqual(accepted.body);

    const removed = await api("DELETE", memberPath, { token: token.owner });
    expectConforms("removeImageMember", removed);
    expect(removed.status).toBe(204);
    expect((await api("GET", memberPath, { token: token.member })).status).toBe(404);

    const again = await api("POST", path, { token: token.owner, json: { member: project.member } });
    expect(again.status).toBe(200);
    expect(again.body.status).toBe("pending");
  });
});

describe("response headers", () => {
  it("sends a fresh X-Openstack-Request-Id (req- and a UUID) on successes and errors alike", async () => {
    const api = caller(main.url);
    const ok = await api("GET", `/v2/images/${image.shared}/members`, { token: token.owner });
    const refused = await api("GET", `/v2/images/${image.shared}/members`, { token: token.stranger });
    const pattern = /^req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    expect(ok.headers.get("x-openstack-request-id")).toMatch(pattern);
    expect(refused.headers.get("x-openstack-request-id")).toMatch(pattern);
    expect(ok.headers.get("x-openstack-request-id")).not.toBe(refused.headers.get("x-openstack-request-id"));
    expect(ok.headers.get("x-request-id")).toBeNull();
  });
});
