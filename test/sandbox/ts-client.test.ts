// The project's typed TypeScript client against the live sandbox: every operation, its errors and
// a batch job waited on to the end.
import { beforeAll, describe, expect, it } from "vitest";
import { batchShareAndWait, createImsClient, ImsApiError, unwrap } from "../../src/client/index.ts";
import type { Sandbox } from "../../src/sandbox/server.ts";
import { image, project, sandboxForFile, token, unknownProject } from "./helpers.ts";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await sandboxForFile({ jobChunkSize: 2 });
});

const client = (tokenValue: string) => createImsClient({ baseUrl: sandbox.url, token: tokenValue });
const memberPath = { image_id: image.shared, member_id: project.member };

async function refusal(promise: Promise<unknown>): Promise<ImsApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ImsApiError) return error;
    throw error;
  }
  throw new Error("expected an ImsApiError");
}

describe("the typed client", () => {
  it("runs the member lifecycle through all five /v2 operations", async () => {
    const owner = client(token.owner);
    const member = client(token.member);

    const added = await unwrap(
      owner.POST("/v2/images/{image_id}/members", {
        params: { path: { image_id: image.shared } },
        body: { member: project.member },
      }),
    );
    expect(added).toMatchObject({ member_id: project.member, status: "pending" });

    const listed = await unwrap(
      member.GET("/v2/images/{image_id}/members", { params: { path: { image_id: image.shared } } }),
    );
    expect(listed.members.map((m) => m.member_id)).toEqual([project.member]);

    const accepted = await unwrap(
      member.PUT("/v2/images/{image_id}/members/{member_id}", {
        params: { path: memberPath },
        body: { status: "accepted" },
      }),
    );
    expect(accepted.status).toBe("accepted");

    const shown = await unwrap(
      owner.GET("/v2/images/{image_id}/members/{member_id}", { params: { path: memberPath } }),
    );
    expect(shown).toEqual(accepted);

    await expect(
      unwrap(owner.DELETE("/v2/images/{image_id}/members/{member_id}", { params: { path: memberPath } })),
    ).resolves.toBeUndefined();
  });

  it("turns a /v2 refusal into an ImsApiError with the OpenStack code and request id", async () => {
    const owner = client(token.owner);
    await unwrap(
      owner.POST("/v2/images/{image_id}/members", {
        params: { path: { image_id: image.sharedTwo } },
        body: { member: project.member2 },
      }),
    );
    const error = await refusal(
      unwrap(
        owner.POST("/v2/images/{image_id}/members", {
          params: { path: { image_id: image.sharedTwo } },
          body: { member: project.member2 },
        }),
      ),
    );
    expect(error.status).toBe(409);
    expect(error.code).toBe("409 Conflict");
    expect(error.detail).toContain("duplicated");
    expect(error.requestId).toMatch(/^req-[0-9a-f-]{36}$/);
  });

  it("turns a /v1 refusal into an ImsApiError with the IMS code", async () => {
    const error = await refusal(
      unwrap(
        client(token.owner).POST("/v1/cloudimages/members", {
          body: { images: [image.public], projects: [project.member] },
        }),
      ),
    );
    expect(error.status).toBe(400);
    expect(error.code).toBe("IMG.0089");
    expect(error.requestId).toMatch(/^[0-9a-f]{32}$/);
  });

  it("gets a new token once after a 401 and succeeds", async () => {
    const seen: boolean[] = [];
    const refreshing = createImsClient({
      baseUrl: sandbox.url,
      token: ({ refresh }) => {
        seen.push(refresh);
        return refresh ? token.owner : "expired-token";
      },
    });
    const listed = await unwrap(
      refreshing.GET("/v2/images/{image_id}/members", { params: { path: { image_id: image.privateTwo } } }),
    );
    expect(listed.members).toEqual([]);
    expect(seen).toEqual([false, true]);
  });

  it("shares in batch and waits for the job to end", async () => {
    const projects = [project.member, project.member2, unknownProject(1)];
    const job = await batchShareAndWait(
      client(token.owner),
      { projectId: project.owner, images: [image.privateOne, image.privateTwo], projects },
      { intervalMs: 10, timeoutMs: 20_000 },
    );
    expect(job.status).toBe("SUCCESS");
    expect(job.entities.results).toHaveLength(6);
    expect(job.entities.results.every((r) => r.status === "success")).toBe(true);
  });
});
