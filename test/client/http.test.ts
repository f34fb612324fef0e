// The client over real HTTP: a node:http server on loopback stands in for IMS, so headers, JSON
// parsing, status handling and the abort path run through the platform's own fetch.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { batchShareAndWait, createImsClient, ImsApiError, unwrap } from "../../src/client/index.ts";

const image_id = "d164b5df-1bc3-4c3f-893e-3e471fd16e64";
const member_id = "edc89b490d7d4392898e19b2deb34797";
const projectId = "4c5d8f1a0b2e4a6f9d3c7b1e2a5f8c0d";
const jobId = "9a175ac692fa12540193002a6d4b2720";
const silentImage = "00000000-0000-4000-8000-000000000000";

const seen: { method: string; url: string; headers: IncomingMessage["headers"]; body: string }[] = [];
let polls = 0;
let baseUrl = "";

function send(res: ServerResponse, status: number, body?: unknown) {
  res.writeHead(status, body === undefined ? {} : { "Content-Type": "application/json" });
  res.end(body === undefined ? undefined : JSON.stringify(body));
}

const server = createServer((req, res) => {
  let body = "";
  req.on("data", (chunk: Buffer) => (body += chunk.toString()));
  req.on("end", () => {
    seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
    if (req.headers["x-auth-token"] !== "owner-token")
      return send(res, 401, { message: "Authentication required.", code: "401 Unauthorized", title: "Unauthorized" });
    if (req.method === "POST" && req.url === `/v2/images/${image_id}/members`) {
      const { member } = JSON.parse(body) as { member: string };
      return send(res, 200, {
        member_id: member,
        image_id,
        status: "pending",
        created_at: "2026-11-23T09:00:00Z",
        updated_at: "2026-11-23T09:00:00Z",
        schema: "/v2/schemas/member",
      });
    }
    if (req.method === "DELETE") return send(res, 204);
    if (req.method === "POST" && req.url === "/v1/cloudimages/members") return send(res, 200, { job_id: jobId });
    if (req.method === "GET" && req.url === `/v1/${projectId}/jobs/${jobId}`) {
      polls += 1;
      const done = polls >= 3;
      return send(res, 200, {
        job_id: jobId,
        job_type: "imsAddImageMembersJob",
        status: done ? "SUCCESS" : "RUNNING",
        begin_time: "2026-11-23T09:00:00.000Z",
        end_time: done ? "2026-11-23T09:00:01.000Z" : null,
        error_code: null,
        fail_reason: null,
        entities: { results: done ? [{ image_id, project_id: member_id, status: "success" }] : [] },
      });
    }
    if (req.url?.includes(silentImage)) return; // never answers: used by the abort test
    send(res, 404, { message: "Not found.", code: "404 Not Found", title: "Not Found" });
  });
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("typed client over HTTP", () => {
  it("adds a member and reads back the typed member object", async () => {
    const ims = createImsClient({ baseUrl, token: "owner-token" });
    const member = await unwrap(
      ims.POST("/v2/images/{image_id}/members", { params: { path: { image_id } }, body: { member: member_id } }),
    );
    expect(member).toMatchObject({ member_id, image_id, status: "pending" });
    const request = seen.at(-1);
    expect(request?.headers["content-type"]).toMatch(/^application\/json/);
    expect(JSON.parse(request?.body ?? "")).toEqual({ member: member_id });
  });

  it("turns a 401 into an ImsApiError", async () => {
    const ims = createImsClient({ baseUrl, token: "wrong" });
    const error = await unwrap(ims.GET("/v2/images/{image_id}/members", { params: { path: { image_id } } })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ImsApiError);
    expect(error).toMatchObject({
      status: 401,
      code: "401 Unauthorized",
      method: "GET",
      url: `${baseUrl}/v2/images/${image_id}/members`,
    });
  });

  it("removes a member with an empty 204", async () => {
    const ims = createImsClient({ baseUrl, token: "owner-token" });
    await expect(
      unwrap(ims.DELETE("/v2/images/{image_id}/members/{member_id}", { params: { path: { image_id, member_id } } })),
    ).resolves.toBeUndefined();
  });

  it("shares in batch and polls the job to its end", async () => {
    const ims = createImsClient({ baseUrl, token: "owner-token" });
    const job = await batchShareAndWait(
      ims,
      { projectId, images: [image_id], projects: [member_id] },
      { intervalMs: 5 },
    );
    expect(job.status).toBe("SUCCESS");
    expect(job.entities.results).toEqual([{ image_id, project_id: member_id, status: "success" }]);
    expect(polls).toBe(3);
  });

  it("cancels a request in flight through the abort signal", async () => {
    const ims = createImsClient({ baseUrl, token: "owner-token" });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("cancelled by test")), 20);
    await expect(
      ims.GET("/v2/images/{image_id}/members", {
        params: { path: { image_id: silentImage } },
        signal: controller.signal,
      }),
    ).rejects.toThrow("cancelled by test");
  });
});
