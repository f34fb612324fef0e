import { describe, expect, it } from "vitest";
import {
  batchRemoveAndWait,
  batchShareAndWait,
  batchUpdateAndWait,
  createImsClient,
  ImsApiError,
  type Job,
  JobTimeoutError,
  waitForJob,
} from "../../src/client/index.ts";
import { json, observedFetch } from "./observed-fetch.ts";

const projectId = "4c5d8f1a0b2e4a6f9d3c7b1e2a5f8c0d";
const jobId = "9a175ac692fa12540193002a6d4b2720";
const image = "d164b5df-1bc3-4c3f-893e-3e471fd16e64";
const project = "edc89b490d7d4392898e19b2deb34797";

function job(status: Job["status"], done: number, job_type: Job["job_type"] = "imsAddImageMembersJob"): Job {
  const ended = status === "SUCCESS" || status === "FAIL";
  return {
    job_id: jobId,
    job_type,
    status,
    begin_time: "2024-11-06T06:30:00.778Z",
    end_time: ended ? "2024-11-06T06:30:03.179Z" : null,
    error_code: status === "FAIL" ? "IMG.0088" : null,
    fail_reason: status === "FAIL" ? "1 of 1 pairs failed." : null,
    entities: {
      process_percent: done * 100,
      results: done ? [{ image_id: image, project_id: project, status: status === "FAIL" ? "failed" : "success" }] : [],
    },
  };
}

describe("waitForJob", () => {
  it("polls until the job succeeds, reporting every state it reads", async () => {
    const states = [job("INIT", 0), job("RUNNING", 0), job("SUCCESS", 1)];
    const seen = observedFetch((_, i) => json(states[i]));
    const ims = createImsClient({ baseUrl: "http://127.0.0.1:1", token: "t", fetch: seen.fetch });
    const progress: string[] = [];
    const final = await waitForJob(
      ims,
      { projectId, jobId },
      { intervalMs: 1, onProgress: (j) => progress.push(j.status) },
    );
    expect(final.status).toBe("SUCCESS");
    expect(progress).toEqual(["INIT", "RUNNING", "SUCCESS"]);
    expect(seen.requests.map((r) => new URL(r.url).pathname)).toEqual(Array(3).fill(`/v1/${projectId}/jobs/${jobId}`));
  });

  it("returns a failed job instead of throwing, so its per-pair results can be read", async () => {
    const seen = observedFetch(() => json(job("FAIL", 1)));
    const ims = createImsClient({ baseUrl: "http://127.0.0.1:1", token: "t", fetch: seen.fetch });
    const final = await waitForJob(ims, { projectId, jobId }, { intervalMs: 1 });
    expect(final.status).toBe("FAIL");
    expect(final.entities.results[0]?.status).toBe("failed");
  });

  it("throws JobTimeoutError with the last state once the timeout passes", async () => {
    const seen = observedFetch(() => json(job("RUNNING", 0)));
    const ims = createImsClient({ baseUrl: "http://127.0.0.1:1", token: "t", fetch: seen.fetch });
    const error = await waitForJob(ims, { projectId, jobId }, { intervalMs: 5, timeoutMs: 30 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(JobTimeoutError);
    expect((error as JobTimeoutError).lastSeen?.status).toBe("RUNNING");
    expect(seen.requests.length).toBeGreaterThan(1);
  });

  it("stops when its signal aborts, with the signal's reason", async () => {
    const seen = observedFetch(() => json(job("RUNNING", 0)));
    const ims = createImsClient({ baseUrl: "http://127.0.0.1:1", token: "t", fetch: seen.fetch });
    const controller = new AbortController();
    const waiting = waitForJob(
      ims,
      { projectId, jobId },
      {
        intervalMs: 60_000,
        signal: controller.signal,
        onProgress: () => controller.abort(new Error("user cancelled")),
      },
    );
    await expect(waiting).rejects.toThrow("user cancelled");
    expect(seen.requests).toHaveLength(1);
  });

  it("throws the ImsApiError when the job query fails", async () => {
    const seen = observedFetch(() => json({ error: { code: "IMG.0023", message: "Job not found." } }, 404));
    const ims = createImsClient({ baseUrl: "http://127.0.0.1:1", token: "t", fetch: seen.fetch });
    const error = await waitForJob(ims, { projectId, jobId }, { intervalMs: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImsApiError);
    expect((error as ImsApiError).code).toBe("IMG.0023");
  });
});

describe("batchShareAndWait", () => {
  it("submits the batch, then polls the job it was given", async () => {
    const seen = observedFetch((request, i) =>
      request.method === "POST" ? json({ job_id: jobId }) : json(i < 2 ? job("RUNNING", 0) : job("SUCCESS", 1)),
    );
    const ims = createImsClient({ baseUrl: "http://127.0.0.1:1", token: "t", fetch: seen.fetch });
    const final = await batchShareAndWait(ims, { projectId, images: [image], projects: [project] }, { intervalMs: 1 });
    expect(final.status).toBe("SUCCESS");
    expect(seen.bodies[0]).toEqual({ images: [image], projects: [project] });
    expect(seen.requests.map((r) => r.method)).toEqual(["POST", "GET", "GET"]);
  });

  it("throws without polling when the batch is refused", async () => {
    const seen = observedFetch(() =>
      json({ error: { code: "IMG.0089", message: "A public image cannot be shared." } }, 400),
    );
    const ims = createImsClient({ baseUrl: "http://127.0.0.1:1", token: "t", fetch: seen.fetch });
    await expect(batchShareAndWait(ims, { projectId, images: [image], projects: [project] })).rejects.toMatchObject({
      status: 400,
      code: "IMG.0089",
    });
    expect(seen.requests).toHaveLength(1);
  });
});

describe("batchUpdateAndWait", () => {
  it("sends the answer with the caller's project, then polls the job in that project", async () => {
    const seen = observedFetch((request, i) =>
      request.method === "PUT"
        ? json({ job_id: jobId })
        : json(job(i < 2 ? "RUNNING" : "SUCCESS", i < 2 ? 0 : 1, "imsUpdateImageMembersJob")),
    );
    const ims = createImsClient({ baseUrl: "http://127.0.0.1:1", token: "t", fetch: seen.fetch });
    const final = await batchUpdateAndWait(
      ims,
      { images: [image], project_id: project, status: "accepted" },
      { intervalMs: 1 },
    );
    expect(final).toMatchObject({ status: "SUCCESS", job_type: "imsUpdateImageMembersJob" });
    expect(seen.requests.map((r) => `${r.method} ${new URL(r.url).pathname}`)).toEqual([
      "PUT /v1/cloudimages/members",
      `GET /v1/${project}/jobs/${jobId}`,
      `GET /v1/${project}/jobs/${jobId}`,
    ]);
    expect(seen.bodies[0]).toEqual({ images: [image], project_id: project, status: "accepted" });
  });

  it("sends vault_id only when given", async () => {
    const seen = observedFetch((request) =>
      request.method === "PUT" ? json({ job_id: jobId }) : json(job("SUCCESS", 1, "imsUpdateImageMembersJob")),
    );
    const ims = createImsClient({ baseUrl: "http://127.0.0.1:1", token: "t", fetch: seen.fetch });
    const vault_id = "3b5816b5-f29c-4172-9d9a-76c719a659ce";
    await batchUpdateAndWait(ims, { images: [image], project_id: project, status: "accepted", vault_id });
    expect(seen.bodies[0]).toEqual({ images: [image], project_id: project, status: "accepted", vault_id });
  });

  it("throws without polling when the answer is refused", async () => {
    const seen = observedFetch(() =>
      json({ error: { code: "IMG.0161", message: "You do not have permission to perform this operation." } }, 403),
    );
    const ims = createImsClient({ baseUrl: "http://127.0.0.1:1", token: "t", fetch: seen.fetch });
    await expect(
      batchUpdateAndWait(ims, { images: [image], project_id: projectId, status: "rejected" }),
    ).rejects.toMatchObject({ status: 403, code: "IMG.0161" });
    expect(seen.requests).toHaveLength(1);
  });
});

describe("batchRemoveAndWait", () => {
  it("sends DELETE with the JSON body, then polls the job it was given", async () => {
    const seen = observedFetch((request, i) =>
      request.method === "DELETE"
        ? json({ job_id: jobId })
        : json(job(i < 2 ? "RUNNING" : "SUCCESS", i < 2 ? 0 : 1, "imsDelImageMembersJob")),
    );
    const ims = createImsClient({ baseUrl: "http://127.0.0.1:1", token: "t", fetch: seen.fetch });
    const final = await batchRemoveAndWait(ims, { projectId, images: [image], projects: [project] }, { intervalMs: 1 });
    expect(final).toMatchObject({ status: "SUCCESS", job_type: "imsDelImageMembersJob" });
    expect(seen.requests.map((r) => `${r.method} ${new URL(r.url).pathname}`)).toEqual([
      "DELETE /v1/cloudimages/members",
      `GET /v1/${projectId}/jobs/${jobId}`,
      `GET /v1/${projectId}/jobs/${jobId}`,
    ]);
    expect(seen.requests[0]?.headers.get("content-type")).toBe("application/json");
    expect(seen.bodies[0]).toEqual({ images: [image], projects: [project] });
  });

  it("returns a failed removal job so its per-pair results can be read", async () => {
    const seen = observedFetch((request) =>
      request.method === "DELETE" ? json({ job_id: jobId }) : json(job("FAIL", 1, "imsDelImageMembersJob")),
    );
    const ims = createImsClient({ baseUrl: "http://127.0.0.1:1", token: "t", fetch: seen.fetch });
    const final = await batchRemoveAndWait(ims, { projectId, images: [image], projects: [project] });
    expect(final.entities.results).toEqual([{ image_id: image, project_id: project, status: "failed" }]);
  });

  it("stops when its signal aborts before the job is polled", async () => {
    const controller = new AbortController();
    const seen = observedFetch(() => {
      controller.abort(new Error("user cancelled"));
      return json({ job_id: jobId });
    });
    const ims = createImsClient({ baseUrl: "http://127.0.0.1:1", token: "t", fetch: seen.fetch });
    await expect(
      batchRemoveAndWait(ims, { projectId, images: [image], projects: [project] }, { signal: controller.signal }),
    ).rejects.toThrow("user cancelled");
    expect(seen.requests).toHaveLength(1);
  });
});
