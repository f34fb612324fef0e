// Batch sharing and the job query over HTTP: every declared status, and jobs watched from INIT to
// the end, each response checked against the contract.
import { beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/sandbox/server.ts";
import { call, expectConforms, image, pollJob, project, sandboxForFile, token, unknownProject } from "./helpers.ts";
import { batchCases, type HttpCase, sendCase } from "./http-cases.ts";

let main: Sandbox;
let full: Sandbox;
let jobId: string;

beforeAll(async () => {
  [main, full] = await Promise.all([sandboxForFile(), sandboxForFile({ maxQueuedJobs: 1, jobDelayMs: 60_000 })]);
  expect(
    (
      await call(main.url, "POST", `/v2/images/${image.shared}/members`, {
        token: token.owner,
        json: { member: project.member },
      })
    ).status,
  ).toBe(200);
  const started = await call(main.url, "POST", "/v1/cloudimages/members", {
    token: token.owner,
    json: { images: [image.shared], projects: [project.member2] },
  });
  jobId = started.body.job_id;
  // The queues of the second sandbox stay full: its jobs wait a minute before each chunk. The owner
  // has one job, and so has `member`, which the owner has made a member first.
  expect(
    (
      await call(full.url, "POST", `/v2/images/${image.shared}/members`, {
        token: token.owner,
        json: { member: project.member },
      })
    ).status,
  ).toBe(200);
  expect(
    (
      await call(full.url, "POST", "/v1/cloudimages/members", {
        token: token.owner,
        json: { images: [image.shared], projects: [project.member2] },
      })
    ).status,
  ).toBe(200);
  expect(
    (
      await call(full.url, "PUT", "/v1/cloudimages/members", {
        token: token.member,
        json: { images: [image.shared], project_id: project.member, status: "accepted" },
      })
    ).status,
  ).toBe(200);
});

describe.each([...new Set(batchCases.map((c) => c.operationId))])("%s", (operationId) => {
  const cases = batchCases.filter((c) => c.operationId === operationId);
  it.each(cases.map((c): [string, HttpCase] => [`${c.status} ${c.name}`, c]))("%s", async (_title, c) => {
    const reply = await sendCase(c, { default: main.url, full: full.url }, { jobId });
    expect(reply.status, reply.text).toBe(c.status);
    expectConforms(operationId, reply);
    if (c.imsCode) expect(reply.body.error.code).toBe(c.imsCode);
    if (c.message) expect(reply.body.error.message).toContain(c.message);
    expect(reply.headers.get("x-request-id")).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe("a batch job seen from outside", () => {
  it("goes INIT -> RUNNING -> SUCCESS, with results growing pair by pair", async () => {
    const sandbox = await sandboxForFile({ jobChunkSize: 2, jobDelayMs: 40 });
    const projects = [project.member, project.member2, unknownProject(1), unknownProject(2), unknownProject(3)];
    const started = await call(sandbox.url, "POST", "/v1/cloudimages/members", {
      token: token.owner,
      json: { images: [image.shared, image.privateOne], projects },
    });
    expectConforms("batchAddImageMembers", started);

    const { final, seen } = await pollJob(sandbox.url, token.owner, project.owner, started.body.job_id);
    for (const state of seen)
      expectConforms("showJob", {
        status: 200,
        headers: new Headers({ "content-type": "application/json", "x-request-id": "0".repeat(32) }),
        body: state,
        text: "",
      });
    const order = ["INIT", "RUNNING", "SUCCESS"];
    const statuses = seen.map((s) => s.status);
    expect(statuses).toEqual([...statuses].sort((a, b) => order.indexOf(a) - order.indexOf(b)));
    const running = seen.filter((s) => s.status === "RUNNING" && s.entities.results.length > 0);
    expect(running.length).toBeGreaterThan(0);
    for (const state of running) {
      expect(state.end_time).toBeNull();
      expect(state.entities.process_percent).toBe(Math.floor((state.entities.results.length * 100) / 10));
    }
    const counts = seen.map((s) => s.entities.results.length);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));

    expect(final).toMatchObject({
      status: "SUCCESS",
      error_code: null,
      fail_reason: null,
      entities: { process_percent: 100 },
    });
    expect(final.entities.results).toHaveLength(10);
    const listed = await call(sandbox.url, "GET", `/v2/images/${image.privateOne}/members`, { token: token.owner });
    expect(listed.body.members.map((m: { member_id: string; status: string }) => [m.member_id, m.status])).toEqual(
      projects.map((p) => [p, "pending"]),
    );
  });

  it("ends FAIL with IMG.0088 when some pairs hit the member limit, sharing the rest", async () => {
    const sandbox = await sandboxForFile({ memberLimit: 2 });
    const started = await call(sandbox.url, "POST", "/v1/cloudimages/members", {
      token: token.owner,
      json: { images: [image.shared], projects: [project.member, project.member2, project.stranger] },
    });
    const { final } = await pollJob(sandbox.url, token.owner, project.owner, started.body.job_id);
    expect(final).toMatchObject({ status: "FAIL", error_code: "IMG.0088", fail_reason: "1 of 3 pairs failed." });
    expect(final.end_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(final.entities.results[2]).toMatchObject({
      project_id: project.stranger,
      status: "failed",
      error_code: "IMG.0088",
    });
  });
});
