// Compile-time guarantees of the typed client. Each @ts-expect-error line must fail to compile;
// if the client or the generated types stop rejecting it, tsc reports an unused directive.

import type { components } from "ims-sharing/types";
import { describe, expectTypeOf, it } from "vitest";
import {
  batchRemoveAndWait,
  batchUpdateAndWait,
  createImsClient,
  type ImsApiError,
  type Job,
  unwrap,
} from "../../src/client/index.ts";

const ims = createImsClient({ baseUrl: "http://127.0.0.1:9292", token: "owner-token" });
const image_id = "d164b5df-1bc3-4c3f-893e-3e471fd16e64";
const member_id = "edc89b490d7d4392898e19b2deb34797";

describe("paths and methods", () => {
  it("rejects a path the spec does not have", () => {
    // @ts-expect-error -- no such path
    void ims.GET("/v2/images/{image_id}/memberz", { params: { path: { image_id } } });
  });

  it("rejects a method the path does not have", () => {
    // @ts-expect-error -- the member collection has no PUT
    void ims.PUT("/v2/images/{image_id}/members", { params: { path: { image_id } }, body: { status: "accepted" } });
    // @ts-expect-error -- jobs are read-only
    void ims.DELETE("/v1/{project_id}/jobs/{job_id}", {
      params: { path: { project_id: member_id, job_id: member_id } },
    });
  });

  it("requires every path parameter", () => {
    // @ts-expect-error -- job_id is missing
    void ims.GET("/v1/{project_id}/jobs/{job_id}", { params: { path: { project_id: member_id } } });
    // @ts-expect-error -- member_id is missing
    void ims.GET("/v2/images/{image_id}/members/{member_id}", { params: { path: { image_id } } });
  });
});

describe("request bodies", () => {
  it("requires the add body and types its member as a string", () => {
    // @ts-expect-error -- body is required
    void ims.POST("/v2/images/{image_id}/members", { params: { path: { image_id } } });
    // @ts-expect-error -- member must be a string
    void ims.POST("/v2/images/{image_id}/members", { params: { path: { image_id } }, body: { member: 42 } });
  });

  it("only accepts the three member statuses", () => {
    void ims.PUT("/v2/images/{image_id}/members/{member_id}", {
      params: { path: { image_id, member_id } },
      body: { status: "pending" },
    });
    void ims.PUT("/v2/images/{image_id}/members/{member_id}", {
      params: { path: { image_id, member_id } },
      // @ts-expect-error -- "approved" is not a member status
      body: { status: "approved" },
    });
  });

  it("requires both arrays of a batch share", () => {
    // @ts-expect-error -- projects is required
    void ims.POST("/v1/cloudimages/members", { body: { images: [image_id] } });
  });

  it("takes only accepted or rejected in a batch answer, with the caller's project", () => {
    void ims.PUT("/v1/cloudimages/members", {
      body: { images: [image_id], project_id: member_id, status: "rejected" },
    });
    // @ts-expect-error -- the batch answer has no pending
    void ims.PUT("/v1/cloudimages/members", { body: { images: [image_id], project_id: member_id, status: "pending" } });
    // @ts-expect-error -- project_id is required
    void ims.PUT("/v1/cloudimages/members", { body: { images: [image_id], status: "accepted" } });
    // @ts-expect-error -- the helper takes the same body
    void batchUpdateAndWait(ims, { images: [image_id], project_id: member_id, status: "pending" });
  });

  it("requires the body of a batch removal", () => {
    // @ts-expect-error -- a batch removal needs its JSON body
    void ims.DELETE("/v1/cloudimages/members", {});
    // @ts-expect-error -- the helper needs the project to poll the job in
    void batchRemoveAndWait(ims, { images: [image_id], projects: [member_id] });
  });
});

describe("responses", () => {
  it("types the added member and narrows data and error by the result", async () => {
    const result = await ims.POST("/v2/images/{image_id}/members", {
      params: { path: { image_id } },
      body: { member: member_id },
    });
    if (result.error) {
      expectTypeOf(result.error).toEqualTypeOf<components["schemas"]["OpenStackError"]>();
    } else {
      expectTypeOf(result.data.status).toEqualTypeOf<"pending" | "accepted" | "rejected">();
      expectTypeOf(result.data.schema).toEqualTypeOf<"/v2/schemas/member">();
    }
  });

  it("types /v1 errors as the IMS error object", async () => {
    const result = await ims.POST("/v1/cloudimages/members", { body: { images: [image_id], projects: [member_id] } });
    if (result.error) expectTypeOf(result.error.error.code).toEqualTypeOf<string>();
  });

  it("unwrap yields the success body, and nothing for a 204", async () => {
    const list = await unwrap(ims.GET("/v2/images/{image_id}/members", { params: { path: { image_id } } }));
    expectTypeOf(list.members).toEqualTypeOf<components["schemas"]["ImageMember"][]>();
    const removed = await unwrap(
      ims.DELETE("/v2/images/{image_id}/members/{member_id}", { params: { path: { image_id, member_id } } }),
    );
    expectTypeOf(removed).toEqualTypeOf<void>();
  });

  it("types the published member schema's statuses", async () => {
    const { properties } = await unwrap(ims.GET("/v2/schemas/member"));
    expectTypeOf(properties.status.enum).toEqualTypeOf<("pending" | "accepted" | "rejected")[]>();
    const list = await unwrap(ims.GET("/v2/schemas/members"));
    expectTypeOf(list.properties.members.items).toEqualTypeOf<components["schemas"]["MemberSchemaDocument"]>();
  });

  it("resolves both batch helpers to the job", () => {
    expectTypeOf(batchUpdateAndWait).returns.toEqualTypeOf<Promise<Job>>();
    expectTypeOf(batchRemoveAndWait).returns.toEqualTypeOf<Promise<Job>>();
  });

  it("keeps nullable job fields nullable and the enums closed", () => {
    expectTypeOf<Job["end_time"]>().toEqualTypeOf<string | null>();
    expectTypeOf<Job["status"]>().toEqualTypeOf<"INIT" | "RUNNING" | "SUCCESS" | "FAIL">();
    const job = {} as Job;
    // @ts-expect-error -- end_time may be null
    const end: string = job.end_time;
    void end;
    // @ts-expect-error -- not a member job type
    job.job_type = "imsCopyImageInRegionJob";
  });

  it("exposes status and code on ImsApiError", () => {
    expectTypeOf<ImsApiError["status"]>().toEqualTypeOf<number>();
    expectTypeOf<ImsApiError["code"]>().toEqualTypeOf<string>();
  });
});
