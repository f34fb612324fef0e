// Bad input of every kind gets a 4xx in the route's JSON error shape: never a 5xx, HTML or a hang.
import { request as httpRequest } from "node:http";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { BatchSharing } from "../../src/sandbox/batch.ts";
import { buildApp } from "../../src/sandbox/http/app.ts";
import type { MemberRules } from "../../src/sandbox/members.ts";
import { Catalog, defaultSeedPath, loadSeedFile } from "../../src/sandbox/seed.ts";
import type { Sandbox } from "../../src/sandbox/server.ts";
import { loadContract } from "../../src/sandbox/spec.ts";
import { call, image, project, sandboxForFile, schemaCheck, token } from "./helpers.ts";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await sandboxForFile();
});

const addPath = `/v2/images/${image.shared}/members`;
const batchPath = "/v1/cloudimages/members";

/** Asserts the body is the error object of the path's API family, with the given status. */
function expectErrorShape(path: string, status: number, body: unknown): void {
  if (path.startsWith("/v1/")) expect(schemaCheck("#/components/schemas/ImsError", body)).toEqual([]);
  else {
    expect(schemaCheck("#/components/schemas/OpenStackError", body)).toEqual([]);
    expect((body as { code: string }).code.startsWith(`${status} `)).toBe(true);
  }
}

describe("bodies the sandbox cannot use", () => {
  const bad: [string, string, Record<string, string>, number][] = [
    ["truncated JSON", '{"member": "edc8', { "Content-Type": "application/json" }, 400],
    ["a bare word", "hello", { "Content-Type": "application/json" }, 400],
    [
      "JSON with a __proto__ key",
      `{"__proto__": {"admin": true}, "member": "${project.member2}"}`,
      { "Content-Type": "application/json" },
      400,
    ],
    [
      "JSON nested 20,000 deep",
      `${"[".repeat(20_000)}${"]".repeat(20_000)}`,
      { "Content-Type": "application/json" },
      400,
    ],
    ["XML", "<member/>", { "Content-Type": "application/xml" }, 415],
    ["multipart", "--x\r\n\r\nhi\r\n--x--", { "Content-Type": "multipart/form-data; boundary=x" }, 415],
    ["a body with no Content-Type", `{"member":"${project.member2}"}`, {}, 415],
    ["a Content-Type that is not one", "{}", { "Content-Type": "///" }, 415],
  ];
  for (const path of [addPath, batchPath]) {
    it.each(bad)(`answer ${path.slice(0, 3)} %s with the right 4xx`, async (_name, raw, headers, status) => {
      const reply = await call(sandbox.url, "POST", path, { token: token.owner, raw, headers });
      expect(reply.status, reply.text).toBe(status);
      expectErrorShape(path, status, reply.body);
    });
  }

  it("refuses a 1 MB body with 413 without reading all of it into a handler", async () => {
    const raw = JSON.stringify({ images: [image.shared], projects: [project.member], pad: "x".repeat(1024 * 1024) });
    for (const path of [addPath, batchPath]) {
      const reply = await call(sandbox.url, "POST", path, {
        token: token.owner,
        raw,
        headers: { "Content-Type": "application/json" },
      });
      expect(reply.status).toBe(413);
      expectErrorShape(path, 413, reply.body);
    }
  });

  it("checks the token before the body, so a stranger learns nothing about what it sent", async () => {
    const reply = await call(sandbox.url, "POST", addPath, {
      raw: "<x/>",
      headers: { "Content-Type": "application/xml" },
    });
    expect(reply.status).toBe(401);
  });

  it("accepts application/json with a charset", async () => {
    const reply = await call(sandbox.url, "POST", `/v2/images/${image.sharedTwo}/members`, {
      token: token.owner,
      raw: JSON.stringify({ member: project.member }),
      headers: { "Content-Type": "application/json; charset=utf-8" },
    });
    expect(reply.status).toBe(200);
  });

  it("ignores whatever body comes with a DELETE or GET, as glanceclient sends one", async () => {
    await call(sandbox.url, "POST", `/v2/images/${image.privateTwo}/members`, {
      token: token.owner,
      json: { member: project.member },
    });
    const reply = await call(sandbox.url, "DELETE", `/v2/images/${image.privateTwo}/members/${project.member}`, {
      token: token.owner,
      raw: "ignored",
      headers: { "Content-Type": "application/octet-stream" },
    });
    expect(reply.status).toBe(204);
  });
});

describe("paths and methods the sandbox does not serve", () => {
  const unknown = [
    "/v2/images",
    "/v2/images/x",
    `/v2/images/${image.shared}/members/${project.member}/x`,
    "/v3/images",
    "/v1/cloudimages",
    "/v1/x/jobs",
    "/nothing",
    "/v2/schemas/metadefs/namespace",
  ];
  it.each(unknown)("answers %s with 404 in the path's shape", async (path) => {
    const reply = await call(sandbox.url, "GET", path, { token: token.owner });
    expect(reply.status).toBe(404);
    expectErrorShape(path, 404, reply.body);
  });

  const wrong: [string, string, string][] = [
    ["PATCH", addPath, "GET, HEAD, POST"],
    ["PUT", addPath, "GET, HEAD, POST"],
    ["DELETE", addPath, "GET, HEAD, POST"],
    ["OPTIONS", addPath, "GET, HEAD, POST"],
    ["POST", `${addPath}/${project.member}`, "GET, HEAD, PUT, DELETE"],
    ["GET", batchPath, "POST"],
    ["DELETE", batchPath, "POST"],
    ["POST", `/v1/${project.owner}/jobs/${"0".repeat(32)}`, "GET, HEAD"],
    ["POST", "/versions", "GET, HEAD"],
  ];
  it.each(wrong)("answers %s %s with 405 and Allow: %s", async (method, path, allow) => {
    const reply = await call(sandbox.url, method, path, { token: token.owner });
    expect(reply.status).toBe(405);
    expect(reply.headers.get("allow")).toBe(allow);
    expectErrorShape(path, 405, reply.body);
  });

  it("answers a path that is not valid percent-encoding with 400 JSON", async () => {
    const reply = await call(sandbox.url, "GET", "/v2/images/%zz/members", { token: token.owner });
    expect(reply.status).toBe(400);
    expectErrorShape("/v2/", 400, reply.body);
  });
});

describe("a barrage of malformed requests", () => {
  it("never gets a 5xx, an HTML page or a non-JSON error", async () => {
    // A fixed pseudo-random sequence, so a failure can be replayed.
    let state = 42;
    const next = (n: number) => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state % n;
    };
    const methods = ["GET", "POST", "PUT", "DELETE", "PATCH"];
    const paths = [
      addPath,
      `${addPath}/${project.member}`,
      `${addPath}/x`,
      batchPath,
      `/v1/${project.owner}/jobs/${"a".repeat(32)}`,
      "/v2/images/%20/members",
      "/v1/../v2",
      "/",
    ];
    const bodies = [
      "",
      "{",
      "null",
      "[]",
      '{"member":null}',
      '{"status":1}',
      '{"images":"x","projects":{}}',
      "\u0000\u0001",
      '"str"',
      "1e999",
      `{"member":"${"a".repeat(5000)}"}`,
    ];
    const types = [
      "application/json",
      "text/plain",
      "",
      "application/json; charset=latin1",
      "application/vnd.api+json",
    ];
    const tokens = [token.owner, token.member, "", "x".repeat(3000), undefined];
    const replies = await Promise.all(
      Array.from({ length: 300 }, () => {
        const type = types[next(types.length)] as string;
        const method = methods[next(methods.length)] as string;
        const body = bodies[next(bodies.length)] as string;
        return call(sandbox.url, method, paths[next(paths.length)] as string, {
          token: tokens[next(tokens.length)],
          ...(method === "GET" ? {} : { raw: body }),
          headers: type ? { "Content-Type": type } : {},
        });
      }),
    );
    for (const reply of replies) {
      expect(reply.status).toBeLessThan(500);
      if (reply.status >= 400) expect(reply.headers.get("content-type")).toMatch(/^application\/json/);
    }
  });

  it("survives a client that sends half a body and hangs up", async () => {
    await new Promise<void>((resolve) => {
      const req = httpRequest(`${sandbox.url}${batchPath}`, {
        method: "POST",
        headers: { "X-Auth-Token": token.owner, "Content-Type": "application/json", "Content-Length": "1000" },
      });
      req.on("error", () => resolve());
      req.write('{"images": [');
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 50);
    });
    const reply = await call(sandbox.url, "GET", "/versions");
    expect(reply.status).toBe(200);
  });
});

describe("an unexpected failure inside the sandbox", () => {
  it("answers 500 in the route's shape and keeps the details out of the body", async () => {
    const boom = () => {
      throw new Error("secret detail");
    };
    const app = buildApp({
      contract: loadContract(),
      catalog: new Catalog(loadSeedFile(defaultSeedPath)),
      members: { list: boom } as unknown as MemberRules,
      batch: { show: boom } as unknown as BatchSharing,
      bodyLimit: 1024,
    });
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      const v2 = await app.inject({
        method: "GET",
        url: `/v2/images/${image.shared}/members`,
        headers: { "x-auth-token": token.owner },
      });
      const v1 = await app.inject({
        method: "GET",
        url: `/v1/${project.owner}/jobs/${"0".repeat(32)}`,
        headers: { "x-auth-token": token.owner },
      });
      expect(v2.statusCode).toBe(500);
      expect(v2.json()).toEqual({
        message: "The server has either erred or is incapable of performing the requested operation.",
        code: "500 Internal Server Error",
        title: "Internal Server Error",
      });
      expect(v1.statusCode).toBe(500);
      expect(v1.json()).toEqual({ error: { code: "IMG.0061", message: "An unknown system error occurred." } });
      expect(stderr).toHaveBeenCalledWith(expect.stringContaining("secret detail"));
    } finally {
      stderr.mockRestore();
      await app.close();
    }
  });
});
