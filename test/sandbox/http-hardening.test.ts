// The places where generated input once made the sandbox break its own contract (issue 12): long
// echoed input, the error family of percent-encoded paths, bodies sent to DELETE, requests Node's
// HTTP parser refuses, and HEAD.
import { connect } from "node:net";
import { beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/sandbox/server.ts";
import {
  call,
  expectConforms,
  image,
  project,
  type Reply,
  sandboxForFile,
  schemaCheck,
  spec,
  token,
} from "./helpers.ts";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await sandboxForFile();
});

const imsRequestId = /^[0-9a-f]{32}$/;
const openstackRequestId = /^req-[0-9a-f-]{36}$/;

/** Asserts an error in the family's shape, within the spec's limits, with the family's request-id header only. */
function expectFamilyError(family: "ims" | "openstack", status: number, reply: Reply): void {
  expect(reply.status, reply.text.slice(0, 300)).toBe(status);
  if (status === 405 || reply.text !== "") {
    const schema = family === "ims" ? "ImsError" : "OpenStackError";
    expect(schemaCheck(`#/components/schemas/${schema}`, reply.body)).toEqual([]);
  }
  const [own, other] =
    family === "ims" ? ["x-request-id", "x-openstack-request-id"] : ["x-openstack-request-id", "x-request-id"];
  expect(reply.headers.get(own)).toMatch(family === "ims" ? imsRequestId : openstackRequestId);
  expect(reply.headers.get(other)).toBeNull();
}

describe("messages that quote the request", () => {
  const long = "a".repeat(1957);
  const cases: [string, string, "ims" | "openstack", number][] = [
    ["an over-long path parameter on /v2", `/v2/images/${long}/members`, "openstack", 400],
    ["an over-long path parameter on /v1", `/v1/${long}/jobs/${"0".repeat(32)}`, "ims", 400],
    ["an invalid URL component", `/v2/images/%zz${long}/members`, "openstack", 400],
    ["an invalid URL component on /v1", `/v1/%zz${long}/jobs/x`, "ims", 400],
    ["an unknown path", `/v2/${long}/${long}`, "openstack", 404],
    ["an unknown /v1 path", `/v1/cloudimages/members/${long}`, "ims", 404],
  ];
  it.each(cases)("stay within 2,048 characters for %s", async (_name, path, family, status) => {
    const reply = await call(sandbox.url, "GET", path, { token: token.owner });
    expectFamilyError(family, status, reply);
    const message = family === "ims" ? reply.body.error.message : reply.body.message;
    expect(message.length).toBeLessThanOrEqual(2048);
    expect(message).toContain("characters)");
  });

  it("stay within 2,048 characters for a long Content-Type", async () => {
    const reply = await call(sandbox.url, "POST", `/v2/images/${image.shared}/members`, {
      token: token.owner,
      raw: "{}",
      headers: { "Content-Type": `text/${"x".repeat(5000)}` },
    });
    expectFamilyError("openstack", 415, reply);
    expect(reply.body.message.length).toBeLessThanOrEqual(2048);
  });
});

describe("the error family", () => {
  // RFC 3986: %76 is "v", so /%761/... is the same URL as /v1/... and reaches the /v1 operation.
  it("is the /v1 family for a percent-encoded /v1 path that reaches a /v1 operation", async () => {
    const accepted = await call(sandbox.url, "POST", "/%761/cloudimages/members", {
      token: token.owner,
      json: { images: [image.privateTwo], projects: [project.member2] },
    });
    expect(accepted.status).toBe(200);
    expect(accepted.headers.get("x-request-id")).toMatch(imsRequestId);
    expect(accepted.headers.get("x-openstack-request-id")).toBeNull();

    const job = await call(sandbox.url, "GET", `/%761/${project.owner}/jobs/${accepted.body.job_id}`, {
      token: token.owner,
    });
    expectConforms("showJob", job);
    expect(job.headers.get("x-openstack-request-id")).toBeNull();

    expectFamilyError("ims", 401, await call(sandbox.url, "POST", "/%761/cloudimages/members", { json: {} }));
  });

  it("is the /v1 family for a percent-encoded /v1 path that no route serves", async () => {
    const reply = await call(sandbox.url, "GET", "/%761/cloudimages/members", { token: token.owner });
    expectFamilyError("ims", 405, reply);
    expect(reply.headers.get("allow")).toBe("POST");
  });
});

describe("DELETE, which declares no 413 or 415", () => {
  const path = `/v2/images/${image.privateTwo}/members/${project.member}`;
  const add = () =>
    call(sandbox.url, "POST", `/v2/images/${image.privateTwo}/members`, {
      token: token.owner,
      json: { member: project.member },
    });

  it("ignores a body over the body limit", async () => {
    await add();
    const reply = await call(sandbox.url, "DELETE", path, {
      token: token.owner,
      raw: "x".repeat(65_537),
      headers: { "Content-Type": "application/json" },
    });
    expectConforms("removeImageMember", reply);
    expect(reply.status).toBe(204);
  });

  it("ignores an empty Content-Type", async () => {
    await add();
    const reply = await call(sandbox.url, "DELETE", path, {
      token: token.owner,
      raw: "{}",
      headers: { "Content-Type": "" },
    });
    expectConforms("removeImageMember", reply);
    expect(reply.status).toBe(204);
  });
});

interface RawReply {
  status: number;
  headers: Map<string, string>;
  body: unknown;
}

/** Writes bytes to the sandbox's socket as they are and reads the answer until the server closes. */
function sendRaw(bytes: string): Promise<RawReply> {
  const { hostname, port } = new URL(sandbox.url);
  return new Promise((resolveSend, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const [head = "", body = ""] = text.split("\r\n\r\n", 2);
      const [statusLine = "", ...lines] = head.split("\r\n");
      const headers = new Map(
        lines.map((line) => [line.slice(0, line.indexOf(":")).toLowerCase(), line.slice(line.indexOf(":") + 1).trim()]),
      );
      resolveSend({ status: Number(statusLine.split(" ")[1]), headers, body: body ? JSON.parse(body) : undefined });
    });
    socket.end(Buffer.from(bytes, "latin1"));
  });
}

describe("requests Node's HTTP parser refuses before any route", () => {
  const host = "Host: 127.0.0.1\r\n";
  const cases: [string, (path: string) => string][] = [
    ["a header section over 16 KiB", (p) => `GET ${p} HTTP/1.1\r\n${host}X-Big: ${"a".repeat(17_000)}\r\n\r\n`],
    ["raw non-ASCII in the path", (p) => `GET ${p}/\xe9 HTTP/1.1\r\n${host}\r\n`],
    ["a lower-case method", (p) => `get ${p} HTTP/1.1\r\n${host}\r\n`],
    ["an unknown method", (p) => `FROB ${p} HTTP/1.1\r\n${host}\r\n`],
    ["a control character in a header", (p) => `GET ${p} HTTP/1.1\r\n${host}X-A: a\x01b\r\n\r\n`],
    ["two Content-Lengths", (p) => `POST ${p} HTTP/1.1\r\n${host}Content-Length: 1\r\nContent-Length: 2\r\n\r\nab`],
    [
      "Transfer-Encoding with Content-Length",
      (p) => `POST ${p} HTTP/1.1\r\n${host}Content-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    ],
  ];
  const paths: [string, "ims" | "openstack"][] = [
    [`/v2/images/${image.shared}/members`, "openstack"],
    ["/v1/cloudimages/members", "ims"],
    ["/%761/cloudimages/members", "ims"],
  ];
  for (const [path, family] of paths) {
    it.each(cases)(`answer ${path} with %s as a 400 in its family's shape`, async (_name, request) => {
      const reply = await sendRaw(request(path));
      expect(reply.status).toBe(400);
      const schema = family === "ims" ? "ImsError" : "OpenStackError";
      expect(schemaCheck(`#/components/schemas/${schema}`, reply.body)).toEqual([]);
      const header = family === "ims" ? "x-request-id" : "x-openstack-request-id";
      expect(reply.headers.get(header)).toMatch(family === "ims" ? imsRequestId : openstackRequestId);
      expect(reply.headers.get("content-type")).toMatch(/^application\/json/);
    });
  }

  it("answers the HTTP/2 connection preface as a 400 in the OpenStack shape", async () => {
    const reply = await sendRaw("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
    expect(reply.status).toBe(400);
    expect(schemaCheck("#/components/schemas/OpenStackError", reply.body)).toEqual([]);
  });
});

describe("HEAD", () => {
  const gets = Object.entries(spec.paths).filter(([, item]) => item.get !== undefined);

  it("is served on every GET route of the spec and of the OpenStack documents, with no body", async () => {
    const job = await call(sandbox.url, "POST", "/v1/cloudimages/members", {
      token: token.owner,
      json: { images: [image.sharedTwo], projects: [project.member2] },
    });
    const values: Record<string, string> = {
      image_id: image.shared,
      member_id: project.member,
      project_id: project.owner,
      job_id: job.body.job_id,
    };
    await call(sandbox.url, "POST", `/v2/images/${image.shared}/members`, {
      token: token.owner,
      json: { member: project.member },
    });
    const paths = [
      ...gets.map(([template]) => template.replace(/\{([^}]+)\}/g, (_m, name: string) => values[name] as string)),
      "/",
      "/versions",
      "/v2/schemas/member",
    ];
    expect(gets.length).toBeGreaterThan(0);
    for (const path of paths) {
      const get = await call(sandbox.url, "GET", path, { token: token.owner });
      const head = await call(sandbox.url, "HEAD", path, { token: token.owner });
      expect(get.status, path).toBe(200);
      expect(head.status, path).toBe(200);
      expect(head.text, path).toBe("");
      expect(head.headers.get("content-type"), path).toBe(get.headers.get("content-type"));
    }
  });

  it("answers 405 where GET is not served either, with the Allow header", async () => {
    const reply = await call(sandbox.url, "HEAD", "/v1/cloudimages/members", { token: token.owner });
    expect(reply.status).toBe(405);
    expect(reply.headers.get("allow")).toBe("POST");
    expect(reply.headers.get("x-request-id")).toMatch(imsRequestId);
  });
});
