// Many requests at once, over real connections: duplicates and the member limit still hold.
import { describe, expect, it } from "vitest";
import {
  bulkImages,
  call,
  image,
  pollJob,
  project,
  sandboxForFile,
  seedWithImages,
  token,
  unknownProject,
} from "./helpers.ts";

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

  it("fail only the answers whose share single removals withdrew while the answer job ran", async () => {
    const images = bulkImages(60);
    const sandbox = await sandboxForFile({ seed: seedWithImages(60), jobChunkSize: 3 });
    const shared = await call(sandbox.url, "POST", "/v1/cloudimages/members", {
      token: token.owner,
      json: { images, projects: [project.member] },
    });
    await pollJob(sandbox.url, token.owner, project.owner, shared.body.job_id);
    const answer = call(sandbox.url, "PUT", "/v1/cloudimages/members", {
      token: token.member,
      json: { images, project_id: project.member, status: "accepted" },
    });
    const withdrawn = images.filter((_, i) => i % 3 === 0);
    const removals = withdrawn.map((id) =>
      call(sandbox.url, "DELETE", `/v2/images/${id}/members/${project.member}`, { token: token.owner }),
    );
    const [started, ...removed] = await Promise.all([answer, ...removals]);
    expect(removed.every((r) => r.status === 204)).toBe(true);
    const { final } = await pollJob(sandbox.url, token.member, project.member, started.body.job_id);
    expect(final.entities.results).toHaveLength(60);
    for (const result of final.entities.results) {
      if (result.status === "failed") {
        expect(withdrawn).toContain(result.image_id);
        expect(result.error_code).toBe("IMG.0027");
        continue;
      }
      const shown = await call(sandbox.url, "GET", `/v2/images/${result.image_id}/members/${project.member}`, {
        token: token.member,
      });
      // Answered before its removal, or never removed: then it is accepted.
      if (withdrawn.includes(result.image_id)) expect(shown.status).toBe(404);
      else expect(shown.body.status).toBe("accepted");
    }
    const failed = final.entities.results.filter((r: { status: string }) => r.status === "failed").length;
    expect(final.status).toBe(failed === 0 ? "SUCCESS" : "FAIL");
  });

  it("keep the member limit while a removal job frees places that single adds race for", async () => {
    const sandbox = await sandboxForFile({ memberLimit: 20, jobChunkSize: 2 });
    const first = Array.from({ length: 20 }, (_, i) => unknownProject(300 + i));
    const shared = await call(sandbox.url, "POST", "/v1/cloudimages/members", {
      token: token.owner,
      json: { images: [image.shared], projects: first },
    });
    expect((await pollJob(sandbox.url, token.owner, project.owner, shared.body.job_id)).final.status).toBe("SUCCESS");
    const removal = call(sandbox.url, "DELETE", "/v1/cloudimages/members", {
      token: token.owner,
      json: { images: [image.shared], projects: first },
    });
    const singles = Array.from({ length: 30 }, (_, i) => add(sandbox.url, image.shared, unknownProject(400 + i)));
    const [started, ...replies] = await Promise.all([removal, ...singles]);
    const { final } = await pollJob(sandbox.url, token.owner, project.owner, started.body.job_id);
    expect(final.status).toBe("SUCCESS");
    expect(replies.every((r) => r.status === 200 || r.status === 413)).toBe(true);
    const added = replies.filter((r) => r.status === 200).length;
    const listed = await call(sandbox.url, "GET", `/v2/images/${image.shared}/members`, { token: token.owner });
    expect(listed.body.members.every((m: { member_id: string }) => !first.includes(m.member_id))).toBe(true);
    expect(listed.body.members).toHaveLength(added);
    expect(added).toBeLessThanOrEqual(20);
  });

  it("run 20 concurrent answers of one recipient one after another, so every image ends in one status", async () => {
    const sandbox = await sandboxForFile({ jobChunkSize: 1 });
    const images = [image.shared, image.sharedTwo, image.privateOne, image.privateTwo];
    const shared = await call(sandbox.url, "POST", "/v1/cloudimages/members", {
      token: token.owner,
      json: { images, projects: [project.member] },
    });
    await pollJob(sandbox.url, token.owner, project.owner, shared.body.job_id);
    const started = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call(sandbox.url, "PUT", "/v1/cloudimages/members", {
          token: token.member,
          json: { images, project_id: project.member, status: i % 2 === 0 ? "accepted" : "rejected" },
        }),
      ),
    );
    expect(started.every((r) => r.status === 200)).toBe(true);
    for (const reply of started) {
      const { final } = await pollJob(sandbox.url, token.member, project.member, reply.body.job_id);
      expect(final.status).toBe("SUCCESS");
      expect(final.entities.results).toHaveLength(4);
    }
    // Jobs written one chunk (one image) at a time but never interleaved leave all four images alike.
    const statuses = new Set();
    for (const id of images) {
      const shown = await call(sandbox.url, "GET", `/v2/images/${id}/members/${project.member}`, {
        token: token.member,
      });
      statuses.add(shown.body.status);
    }
    expect(statuses.size).toBe(1);
  });
});
