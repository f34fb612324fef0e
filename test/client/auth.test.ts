import { describe, expect, it } from "vitest";
import { createImsClient, unwrap } from "../../src/client/index.ts";
import { json, observedFetch } from "./observed-fetch.ts";

const image_id = "d164b5df-1bc3-4c3f-893e-3e471fd16e64";
const emptyList = { members: [], schema: "/v2/schemas/members" };

describe("token handling", () => {
  it("sends a fixed token as X-Auth-Token and asks for JSON", async () => {
    const seen = observedFetch(() => json(emptyList));
    const ims = createImsClient({ baseUrl: "http://127.0.0.1:1", token: "tok-1", fetch: seen.fetch });
    await unwrap(ims.GET("/v2/images/{image_id}/members", { params: { path: { image_id } } }));
    expect(seen.requests[0]?.headers.get("x-auth-token")).toBe("tok-1");
    expect(seen.requests[0]?.headers.get("accept")).toBe("application/json");
  });

  it("asks a token function for the current token on every request", async () => {
    let calls = 0;
    const seen = observedFetch(() => json(emptyList));
    const ims = createImsClient({ baseUrl: "http://127.0.0.1:1", token: () => `tok-${++calls}`, fetch: seen.fetch });
    await ims.GET("/v2/images/{image_id}/members", { params: { path: { image_id } } });
    await ims.GET("/v2/images/{image_id}/members", { params: { path: { image_id } } });
    expect(seen.requests.map((r) => r.headers.get("x-auth-token"))).toEqual(["tok-1", "tok-2"]);
  });

  it("refreshes the token once and replays the request, body included, after a 401", async () => {
    const refreshes: boolean[] = [];
    const seen = observedFetch((request) =>
      request.headers.get("x-auth-token") === "fresh"
        ? json({ status: "pending", member_id: "edc89b490d7d4392898e19b2deb34797" })
        : json({ message: "expired", code: "401 Unauthorized", title: "Unauthorized" }, 401),
    );
    const ims = createImsClient({
      baseUrl: "http://127.0.0.1:1",
      token: ({ refresh }) => {
        refreshes.push(refresh);
        return refresh ? "fresh" : "stale";
      },
      fetch: seen.fetch,
    });
    const { data, response } = await ims.POST("/v2/images/{image_id}/members", {
      params: { path: { image_id } },
      body: { member: "edc89b490d7d4392898e19b2deb34797" },
    });
    expect(response.status).toBe(200);
    expect(data?.status).toBe("pending");
    expect(refreshes).toEqual([false, true]);
    expect(seen.bodies).toEqual([
      { member: "edc89b490d7d4392898e19b2deb34797" },
      { member: "edc89b490d7d4392898e19b2deb34797" },
    ]);
  });

  it("does not retry a 401 when the token is a fixed string", async () => {
    const seen = observedFetch(() => json({ message: "no", code: "401 Unauthorized", title: "Unauthorized" }, 401));
    const ims = createImsClient({ baseUrl: "http://127.0.0.1:1", token: "bad", fetch: seen.fetch });
    const { response } = await ims.GET("/v2/images/{image_id}/members", { params: { path: { image_id } } });
    expect(response.status).toBe(401);
    expect(seen.requests).toHaveLength(1);
  });

  it("gives up after one refresh when the new token is refused too", async () => {
    const seen = observedFetch(() => json({ message: "no", code: "401 Unauthorized", title: "Unauthorized" }, 401));
    const ims = createImsClient({ baseUrl: "http://127.0.0.1:1", token: () => "still-bad", fetch: seen.fetch });
    const { response } = await ims.GET("/v2/images/{image_id}/members", { params: { path: { image_id } } });
    expect(response.status).toBe(401);
    expect(seen.requests).toHaveLength(2);
  });
});

describe("base URL", () => {
  it.each([
    ["http://127.0.0.1:1", "http://127.0.0.1:1/v2/images/"],
    ["http://127.0.0.1:1/", "http://127.0.0.1:1/v2/images/"],
    ["http://127.0.0.1:1/ims///", "http://127.0.0.1:1/ims/v2/images/"],
  ])("joins %s with the /v2 path without doubling slashes", async (baseUrl, prefix) => {
    const seen = observedFetch(() => json(emptyList));
    const ims = createImsClient({ baseUrl, token: "t", fetch: seen.fetch });
    await ims.GET("/v2/images/{image_id}/members", { params: { path: { image_id } } });
    expect(seen.requests[0]?.url).toBe(`${prefix}${image_id}/members`);
  });

  it.each(["127.0.0.1:9292", "ftp://example.org", ""])("rejects %j as a base URL", (baseUrl) => {
    expect(() => createImsClient({ baseUrl, token: "t" })).toThrow(TypeError);
  });
});
