import { describe, expect, it } from "vitest";
import { createImsClient, ImsApiError, isImsError, isOpenStackError, unwrap } from "../../src/client/index.ts";
import { json, observedFetch } from "./observed-fetch.ts";

const image_id = "d164b5df-1bc3-4c3f-893e-3e471fd16e64";
const member_id = "edc89b490d7d4392898e19b2deb34797";

function clientAnswering(response: () => Response) {
  return createImsClient({ baseUrl: "http://127.0.0.1:1", token: "t", fetch: observedFetch(response).fetch });
}

async function rejection(promise: Promise<unknown>): Promise<ImsApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ImsApiError);
  return error as ImsApiError;
}

describe("unwrap", () => {
  it("resolves to the body of a 2xx answer", async () => {
    const member = {
      member_id,
      image_id,
      status: "accepted",
      created_at: "2016-09-01T02:05:14Z",
      updated_at: "2016-09-01T02:37:11Z",
      schema: "/v2/schemas/member",
    };
    const ims = clientAnswering(() => json(member));
    const data = await unwrap(
      ims.GET("/v2/images/{image_id}/members/{member_id}", { params: { path: { image_id, member_id } } }),
    );
    expect(data).toEqual(member);
  });

  it("resolves to nothing for a 204", async () => {
    const ims = clientAnswering(() => new Response(null, { status: 204 }));
    await expect(
      unwrap(ims.DELETE("/v2/images/{image_id}/members/{member_id}", { params: { path: { image_id, member_id } } })),
    ).resolves.toBeUndefined();
  });

  it("throws an ImsApiError carrying the OpenStack error of a /v2 route, without Glance's HTML tail", async () => {
    const body = {
      message: `Member ${member_id} is duplicated for image ${image_id}<br /><br />\n\n\n`,
      code: "409 Conflict",
      title: "Conflict",
    };
    const ims = clientAnswering(() =>
      json(body, 409, { "X-Openstack-Request-Id": "req-0a979016-49d3-4aaf-ac89-efe708283d22" }),
    );
    const error = await rejection(
      unwrap(
        ims.POST("/v2/images/{image_id}/members", { params: { path: { image_id } }, body: { member: member_id } }),
      ),
    );
    expect(error.status).toBe(409);
    expect(error.code).toBe("409 Conflict");
    expect(error.detail).toBe(`Member ${member_id} is duplicated for image ${image_id}`);
    expect(error.message).toBe(
      `POST http://127.0.0.1:1/v2/images/${image_id}/members -> 409 409 Conflict: ${error.detail}`,
    );
    expect(error.requestId).toBe("req-0a979016-49d3-4aaf-ac89-efe708283d22");
    expect(isOpenStackError(error.body)).toBe(true);
  });

  it("throws an ImsApiError carrying the IMS error code of a /v1 route", async () => {
    const ims = clientAnswering(() =>
      json({ error: { code: "IMG.0027", message: "Image does not exist." } }, 400, { "X-Request-Id": "abc123" }),
    );
    const error = await rejection(
      unwrap(ims.POST("/v1/cloudimages/members", { body: { images: [image_id], projects: [member_id] } })),
    );
    expect(error.status).toBe(400);
    expect(error.code).toBe("IMG.0027");
    expect(error.detail).toBe("Image does not exist.");
    expect(error.requestId).toBe("abc123");
    expect(isImsError(error.body)).toBe(true);
  });

  it("still throws, with the status as code, when the error body has neither shape", async () => {
    const ims = clientAnswering(
      () =>
        new Response("<html>Bad Gateway</html>", {
          status: 502,
          statusText: "Bad Gateway",
          headers: { "Content-Type": "text/html" },
        }),
    );
    const error = await rejection(unwrap(ims.GET("/v2/images/{image_id}/members", { params: { path: { image_id } } })));
    expect(error.status).toBe(502);
    expect(error.code).toBe("502");
    expect(error.body).toBeUndefined();
    expect(error.message).toContain("<html>Bad Gateway</html>");
  });
});

describe("error shape guards", () => {
  it.each([
    [{ message: "m", code: "404 Not Found", title: "Not Found" }, true, false],
    [{ error: { code: "IMG.0001", message: "m" } }, false, true],
    [{ error_code: "APIG.0301", error_msg: "m" }, false, false],
    [null, false, false],
    ["text", false, false],
  ])("classifies %j", (body, openStack, ims) => {
    expect(isOpenStackError(body)).toBe(openStack);
    expect(isImsError(body)).toBe(ims);
  });
});
