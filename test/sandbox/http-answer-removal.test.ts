// Batch answers and removals over HTTP, at the contract's largest sizes: a recipient accepts 100
// images in one call, an owner removes 100 x 100 pairs in one call, and a share goes from a batch
// share to a batch answer to a batch removal, every response checked against the contract.
import { beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/sandbox/server.ts";
import {
  bulkImages,
  call,
  expectConforms,
  image,
  pollJob,
  project,
  sandboxForFile,
  seedWithImages,
  token,
  unknownProject,
} from "./helpers.ts";

const batchPath = "/v1/cloudimages/members";
const images = bulkImages(100);
const projects = [project.member, ...Array.from({ length: 99 }, (_, i) => unknownProject(i + 1))];

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await sandboxForFile({ seed: seedWithImages(100) });
});

/** Starts a batch call and waits for its job to end, checking both answers against the contract. */
async function runJob(operationId: string, method: string, tokenValue: string, projectId: string, json: unknown) {
  const started = await call(sandbox.url, method, batchPath, { token: tokenValue, json });
  expect(started.status, started.text).toBe(200);
  expectConforms(operationId, started);
  const { final } = await pollJob(sandbox.url, tokenValue, projectId, started.body.job_id, 20);
  const shown = await call(sandbox.url, "GET", `/v1/${projectId}/jobs/${started.body.job_id}`, { token: tokenValue });
  expectConforms("showJob", shown);
  return final;
}

const statusOf = async (imageId: string, memberId: string, tokenValue: string) =>
  (await call(sandbox.url, "GET", `/v2/images/${imageId}/members/${memberId}`, { token: tokenValue })).body.status;

describe("at the largest sizes", () => {
  it("shares 100 x 100, lets a recipient accept 100 images in one call, then removes 100 x 100 pairs", async () => {
    const shared = await runJob("batchAddImageMembers", "POST", token.owner, project.owner, { images, projects });
    expect(shared.status).toBe("SUCCESS");
    expect(shared.entities.results).toHaveLength(10_000);

    const answered = await runJob("batchUpdateImageMembers", "PUT", token.member, project.member, {
      images,
      project_id: project.member,
      status: "accepted",
    });
    expect(answered).toMatchObject({ job_type: "imsUpdateImageMembersJob", status: "SUCCESS" });
    expect(answered.entities.results).toEqual(
      images.map((id) => ({ image_id: id, project_id: project.member, status: "success" })),
    );
    for (const id of [images[0], images[49], images[99]] as string[])
      expect(await statusOf(id, project.member, token.member)).toBe("accepted");
    expect(await statusOf(images[0] as string, unknownProject(1), token.owner)).toBe("pending");

    const removed = await runJob("batchRemoveImageMembers", "DELETE", token.owner, project.owner, {
      images,
      projects,
    });
    expect(removed).toMatchObject({ job_type: "imsDelImageMembersJob", status: "SUCCESS" });
    expect(removed.entities.results).toHaveLength(10_000);
    expect(new Set(removed.entities.results.map((r: any) => `${r.image_id} ${r.project_id}`)).size).toBe(10_000);
    expect(removed.entities.results.every((r: any) => r.status === "success")).toBe(true);
    for (const id of [images[0], images[99]] as string[]) {
      const listed = await call(sandbox.url, "GET", `/v2/images/${id}/members`, { token: token.owner });
      expect(listed.body.members).toEqual([]);
    }
  });
});

describe("a share from batch to batch", () => {
  it("is shared, answered pair by pair, listed as answered, removed and gone", async () => {
    const two = [image.shared, image.privateTwo];
    const shared = await runJob("batchAddImageMembers", "POST", token.owner, project.owner, {
      images: two,
      projects: [project.member, project.member2],
    });
    expect(shared.status).toBe("SUCCESS");

    await runJob("batchUpdateImageMembers", "PUT", token.member, project.member, {
      images: two,
      project_id: project.member,
      status: "accepted",
    });
    const rejected = await runJob("batchUpdateImageMembers", "PUT", token.member2, project.member2, {
      images: [image.privateTwo],
      project_id: project.member2,
      status: "rejected",
      vault_id: "3b5816b5-f29c-4172-9d9a-76c719a659ce",
    });
    expect(rejected.entities.results).toEqual([
      { image_id: image.privateTwo, project_id: project.member2, status: "success" },
    ]);
    const listed = await call(sandbox.url, "GET", `/v2/images/${image.privateTwo}/members`, { token: token.owner });
    expectConforms("listImageMembers", listed);
    expect(listed.body.members.map((m: any) => [m.member_id, m.status])).toEqual([
      [project.member, "accepted"],
      [project.member2, "rejected"],
    ]);
    expect(await statusOf(image.shared, project.member2, token.member2)).toBe("pending");

    await runJob("batchRemoveImageMembers", "DELETE", token.owner, project.owner, {
      images: two,
      projects: [project.member, project.member2],
    });
    for (const id of two) {
      const gone = await call(sandbox.url, "GET", `/v2/images/${id}/members/${project.member}`, {
        token: token.member,
      });
      expect(gone.status).toBe(404);
    }
    // Repeating the removal is safe: every pair is already gone, and each still counts as a success.
    const again = await runJob("batchRemoveImageMembers", "DELETE", token.owner, project.owner, {
      images: two,
      projects: [project.member, project.member2],
    });
    expect(again.status).toBe("SUCCESS");
  });
});
