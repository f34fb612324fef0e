// Many requests at once, over real connections: duplicates and the member limit still hold.
import { describe, expect, it } from "vitest";
import { call, image, pollJob, project, sandboxForFile, token, unknownProject } from "./helpers.ts";

const add = (url: string, imageId: string, memberId: string) =>
  call(url, "POST", `/v2/images/${imageId}/members`, { token: token.owner, json: { member: memberId } });
const tally = (statuses: number[]) =>
  statuses.reduce<Record<number, number>>((acc, s) => {
    acc[s] = (acc[s] ?? 0) + 1;
    return acc;
  }, {});

describe("concurrent requests", () => {
  it("let exactly one of 50 identical adds succeed; the other 49 get 409", async () => {
    const sandbox = await sandboxForFile();
    const replies = await Promise.all(Array.from({ length: 50 }, () => add(sandbox.url, image.shared, project.member)));
    expect(tally(replies.map((r) => r.status))).toEqual({ 200: 1, 409: 49 });
    const listed = await call(sandbox.url, "GET", `/v2/images/${image.shared}/members`, { token: token.owner });
    expect(listed.body.members).toHaveLength(1);
  });

  it("never take an image past its member limit", async () => {
    const sandbox = await sandboxForFile({ memberLimit: 10 });
    const replies = await Promise.all(
      Array.from({ length: 40 }, (_, i) => add(sandbox.url, image.shared, unknownProject(i))),
    );
    expect(tally(replies.map((r) => r.status))).toEqual({ 200: 10, 413: 30 });
    const listed = await call(sandbox.url, "GET", `/v2/images/${image.shared}/members`, { token: token.owner });
    expect(listed.body.members).toHaveLength(10);
  });

  it("keep the limit when single adds race a batch job on the same image", async () => {
    const sandbox = await sandboxForFile({ memberLimit: 20, jobChunkSize: 3 });
    const batch = call(sandbox.url, "POST", "/v1/cloudimages/members", {
      token: token.owner,
      json: { images: [image.shared], projects: Array.from({ length: 15 }, (_, i) => unknownProject(100 + i)) },
    });
    const singles = Array.from({ length: 15 }, (_, i) => add(sandbox.url, image.shared, unknownProject(200 + i)));
    const [started, ...replies] = await Promise.all([batch, ...singles]);
    const { final } = await pollJob(sandbox.url, token.owner, project.owner, started.body.job_id);
    const listed = await call(sandbox.url, "GET", `/v2/images/${image.shared}/members`, { token: token.owner });
    expect(listed.body.members).toHaveLength(20);
    const added = replies.filter((r) => r.status === 200).length;
    const shared = final.entities.results.filter((r: { status: string }) => r.status === "success").length;
    expect(added + shared).toBe(20);
    expect(replies.every((r) => r.status === 200 || r.status === 413)).toBe(true);
  });
});
