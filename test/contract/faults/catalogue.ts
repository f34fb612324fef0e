// The faulty servers the suite must catch: each a proxy in front of the sandbox (default seed) that
// breaks one rule of the contract, with the operation and check that must then fail.
import { resolve } from "node:path";
import type { CheckName } from "../../../src/contract/checks/registry.ts";
import { loadConfigFile } from "../../../src/contract/config.ts";
import { type FaultHooks, jsonOf, type ProxiedRequest, type ProxiedResponse, withJson } from "./proxy.ts";

export const sandboxConfigPath = resolve(
  import.meta.dirname,
  "..",
  "..",
  "..",
  "src",
  "contract",
  "examples",
  "sandbox.yaml",
);
const { actors, fixtures } = loadConfigFile(sandboxConfigPath);

/** The member limit of the sandboxes behind the fault proxies: small, so that member_limit runs fast. */
export const faultMemberLimit = 80;

const uuid = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

function openStackError(status: number, title: string, message: string): ProxiedResponse {
  return {
    status,
    headers: { "content-type": "application/json", "x-openstack-request-id": `req-${crypto.randomUUID()}` },
    body: JSON.stringify({ message, code: `${status} ${title}`, title }),
  };
}

export interface Fault extends FaultHooks {
  id: string;
  /** What the faulty server does wrong. */
  description: string;
  /** The operation x check the suite must report as failed. */
  expect: { operation: string; check: CheckName };
  /** Checks whose requests the expected one judges (a response check sees only what others send). */
  alongside?: CheckName[];
}

type Role = "owner" | "member" | "stranger";
const roles: Role[] = ["owner", "member", "stranger"];

function tokenOf(role: Role): string {
  return actors[role].headers["X-Auth-Token"] ?? "";
}

function roleOf(request: ProxiedRequest): Role | undefined {
  return roles.find((r) => request.headers["x-auth-token"] === tokenOf(r));
}

function as(request: ProxiedRequest, role: Role): ProxiedRequest {
  return { ...request, headers: { ...request.headers, "x-auth-token": tokenOf(role) } };
}

type Row = Record<string, unknown>;

function mapMembers(response: ProxiedResponse, change: (row: Row) => Row): ProxiedResponse {
  const body = jsonOf(response.body) as { members?: Row[] } | undefined;
  if (response.status !== 200 || !Array.isArray(body?.members)) return response;
  return withJson(response, { ...body, members: body.members.map(change) });
}

function is(request: ProxiedRequest, operation: string, role?: Role): boolean {
  return request.operation === operation && (role === undefined || roleOf(request) === role);
}

export const faults: Fault[] = [
  {
    id: "add-answers-201",
    description: "answers 201 Created instead of 200 when a member is added",
    expect: { operation: "addImageMember", check: "status_code_conformance" },
    response: (req, res) => (is(req, "addImageMember") && res.status === 200 ? { ...res, status: 201 } : res),
  },
  {
    id: "member-without-created-at",
    description: "leaves the required created_at out of a membership it shows",
    expect: { operation: "showImageMember", check: "response_schema_conformance" },
    response: (req, res) => {
      if (!is(req, "showImageMember") || res.status !== 200) return res;
      const { created_at: _dropped, ...rest } = jsonOf(res.body) as Row;
      return withJson(res, rest);
    },
  },
  {
    id: "list-timestamps-with-offset",
    description: "writes member timestamps as +00:00 with fractions instead of whole seconds and Z",
    expect: { operation: "listImageMembers", check: "response_schema_conformance" },
    response: (req, res) =>
      is(req, "listImageMembers")
        ? mapMembers(res, (row) => ({ ...row, created_at: String(row.created_at).replace("Z", ".000000+00:00") }))
        : res,
  },
  {
    id: "job-status-lower-case",
    description: "reports job statuses in lower case (success), as the batch-sharing pages spell them",
    expect: { operation: "showJob", check: "response_schema_conformance" },
    response: (req, res) => {
      const job = jsonOf(res.body) as Row | undefined;
      return is(req, "showJob") && res.status === 200 && typeof job?.status === "string"
        ? withJson(res, { ...job, status: job.status.toLowerCase() })
        : res;
    },
  },
  {
    id: "not-found-in-ims-shape",
    description: "answers /v2 404s with the IMS error object instead of the OpenStack one",
    expect: { operation: "showImageMember", check: "response_schema_conformance" },
    response: (req, res) =>
      is(req, "showImageMember") && res.status === 404
        ? withJson(res, { error: { code: "IMG.0027", message: "not found" } })
        : res,
  },
  {
    id: "list-as-text-plain",
    description: "labels member lists text/plain",
    expect: { operation: "listImageMembers", check: "content_type_conformance" },
    response: (req, res) =>
      is(req, "listImageMembers") && res.status === 200
        ? { ...res, headers: { ...res.headers, "content-type": "text/plain; charset=utf-8" } }
        : res,
  },
  {
    id: "update-without-request-id",
    description: "drops the X-Openstack-Request-Id header from status updates",
    expect: { operation: "updateImageMember", check: "response_headers_conformance" },
    response: (req, res) => {
      if (!is(req, "updateImageMember")) return res;
      const { "x-openstack-request-id": _dropped, ...headers } = res.headers;
      return { ...res, headers };
    },
  },
  {
    id: "request-id-without-prefix",
    description: "sends X-Openstack-Request-Id on member lists as a bare UUID, without req-",
    expect: { operation: "listImageMembers", check: "response_headers_conformance" },
    response: (req, res) => {
      const id = res.headers["x-openstack-request-id"];
      return is(req, "listImageMembers") && id
        ? { ...res, headers: { ...res.headers, "x-openstack-request-id": id.replace(/^req-/, "") } }
        : res;
    },
  },
  {
    id: "show-answers-500",
    description: "fails with 500 whenever a membership is read",
    expect: { operation: "showImageMember", check: "not_a_server_error" },
    request: (req) =>
      is(req, "showImageMember")
        ? {
            status: 500,
            headers: { "content-type": "application/json" },
            body: JSON.stringify({
              message: "The server has either erred.",
              code: "500 Internal Server Error",
              title: "Internal Server Error",
            }),
          }
        : req,
  },
  {
    id: "stranger-list-hangs",
    description: "never answers when the stranger lists members (the client times out)",
    expect: { operation: "listImageMembers", check: "not_a_server_error" },
    alongside: ["authorisation"],
    // A promise that never settles: the proxy drops the connection when it closes.
    response: (req, res) => (is(req, "listImageMembers", "stranger") ? new Promise<ProxiedResponse>(() => {}) : res),
  },
  {
    id: "batch-ignores-unknown-fields",
    description: "drops unknown fields from batch requests instead of refusing them",
    expect: { operation: "batchAddImageMembers", check: "negative_data_rejection" },
    request: (req) => {
      const body = jsonOf(req.body) as Row | undefined;
      if (!is(req, "batchAddImageMembers") || body === null || typeof body !== "object" || Array.isArray(body))
        return req;
      return { ...req, body: JSON.stringify({ images: body.images, projects: body.projects }) };
    },
  },
  {
    id: "status-any-case",
    description: "accepts member statuses in any letter case",
    expect: { operation: "updateImageMember", check: "negative_data_rejection" },
    request: (req) => {
      const body = jsonOf(req.body) as Row | undefined;
      return is(req, "updateImageMember") && typeof body?.status === "string"
        ? { ...req, body: JSON.stringify({ ...body, status: body.status.toLowerCase() }) }
        : req;
    },
  },
  {
    id: "token-ignored",
    description: "treats requests with a missing or unknown token as the owner's",
    expect: { operation: "listImageMembers", check: "authentication" },
    request: (req) => (req.operation && roleOf(req) === undefined ? as(req, "owner") : req),
  },
  {
    id: "member-sees-every-row",
    description: "shows a member every membership of the image, not just its own",
    expect: { operation: "listImageMembers", check: "authorisation" },
    request: (req) => (is(req, "listImageMembers", "member") ? as(req, "owner") : req),
  },
  {
    id: "stranger-reads-memberships",
    description: "lets any project read a membership",
    expect: { operation: "showImageMember", check: "authorisation" },
    request: (req) => (is(req, "showImageMember", "stranger") ? as(req, "owner") : req),
  },
  {
    id: "owner-answers-for-member",
    description: "lets the owner accept or reject in the member's place",
    expect: { operation: "updateImageMember", check: "authorisation" },
    request: (req) =>
      is(req, "updateImageMember", "owner") && req.params.member_id === actors.member.project ? as(req, "member") : req,
  },
  {
    id: "member-can-remove",
    description: "lets a member remove its own membership",
    expect: { operation: "removeImageMember", check: "authorisation" },
    request: (req) => (is(req, "removeImageMember", "member") ? as(req, "owner") : req),
  },
  {
    id: "list-forgets-newest",
    description: "leaves the most recently added member out of the owner's list",
    expect: { operation: "listImageMembers", check: "stateful_flows" },
    response: (req, res) => {
      const body = jsonOf(res.body) as { members?: Row[] } | undefined;
      return is(req, "listImageMembers", "owner") && Array.isArray(body?.members)
        ? withJson(res, { ...body, members: body.members.slice(0, -1) })
        : res;
    },
  },
  {
    id: "duplicate-add-accepted",
    description: "answers 200 with the existing membership when a member is added twice",
    expect: { operation: "addImageMember", check: "stateful_flows" },
    response: async (req, res, forward) => {
      const member = (jsonOf(req.body) as Row | undefined)?.member;
      if (!is(req, "addImageMember") || res.status !== 409 || typeof member !== "string") return res;
      const { "content-type": _json, ...headers } = req.headers;
      return forward({
        ...req,
        method: "GET",
        headers,
        body: "",
        url: `${req.url}/${member}`,
        operation: "showImageMember",
      });
    },
  },
  {
    id: "remove-is-a-no-op",
    description: "answers 204 to a removal but keeps the membership",
    expect: { operation: "removeImageMember", check: "stateful_flows" },
    request: (req) =>
      is(req, "removeImageMember", "owner")
        ? { status: 204, headers: { "x-openstack-request-id": `req-${crypto.randomUUID()}` }, body: "" }
        : req,
  },
  {
    id: "batch-drops-last-project",
    description: "shares batch requests with every project but the last",
    expect: { operation: "batchAddImageMembers", check: "stateful_flows" },
    request: (req) => {
      const body = jsonOf(req.body) as { projects?: unknown[] } | undefined;
      return is(req, "batchAddImageMembers") && Array.isArray(body?.projects) && body.projects.length > 1
        ? { ...req, body: JSON.stringify({ ...body, projects: body.projects.slice(0, -1) }) }
        : req;
    },
  },
  {
    id: "job-never-finishes",
    description: "reports every job as RUNNING forever",
    expect: { operation: "showJob", check: "stateful_flows" },
    response: (req, res) => {
      const job = jsonOf(res.body) as Row | undefined;
      return is(req, "showJob") && res.status === 200 && job
        ? withJson(res, { ...job, status: "RUNNING", end_time: null })
        : res;
    },
  },
  {
    id: "unknown-job-forbidden",
    description: "answers 403 instead of 404 for a job that does not exist",
    expect: { operation: "showJob", check: "stateful_flows" },
    response: (req, res) =>
      is(req, "showJob") && res.status === 404
        ? withJson({ ...res, status: 403 }, { error: { code: "IMG.0161", message: "forbidden" } })
        : res,
  },

  // The Glance behaviours of issue 9, and one fault for each further check.
  {
    id: "error-html-without-json-accept",
    description: "answers errors in HTML unless the caller asks for application/json (as Glance does)",
    expect: { operation: "showImageMember", check: "error_media" },
    response: (req, res) =>
      res.status >= 400 && req.headers.accept !== "application/json"
        ? {
            ...res,
            headers: { ...res.headers, "content-type": "text/html; charset=UTF-8" },
            body: `<html><body><h1>${res.status}</h1>${res.body}</body></html>`,
          }
        : res,
  },
  {
    id: "private-images-refuse-members",
    description: "refuses members on private images: add and list 403, show 404 (as Glance does)",
    expect: { operation: "addImageMember", check: "private_images" },
    request: (req) => {
      if (!fixtures.privateImages.includes(req.params.image_id ?? "")) return req;
      if (is(req, "addImageMember") || is(req, "listImageMembers"))
        return openStackError(403, "Forbidden", "Only shared images have members.");
      if (is(req, "showImageMember")) return openStackError(404, "Not Found", "Only shared images have members.");
      return req;
    },
  },
  (() => {
    const firstCreated = new Map<string, unknown>();
    return {
      id: "readded-member-keeps-created-at",
      description: "gives a member added again the created_at of its first addition (as Glance does)",
      expect: { operation: "addImageMember", check: "timestamps" },
      response: (req: ProxiedRequest, res: ProxiedResponse) => {
        const row = jsonOf(res.body) as Row | undefined;
        if (!is(req, "addImageMember") || res.status !== 200 || !row) return res;
        const key = `${String(row.image_id)}/${String(row.member_id)}`;
        if (!firstCreated.has(key)) firstCreated.set(key, row.created_at);
        return withJson(res, { ...row, created_at: firstCreated.get(key) });
      },
    } satisfies Fault;
  })(),
  {
    id: "malformed-path-id-404",
    description: "answers 404 instead of 400 when the image id in the path is not a UUID (as Glance does)",
    expect: { operation: "listImageMembers", check: "negative_data_rejection" },
    response: (req, res) =>
      req.operation?.endsWith("ImageMember") || req.operation === "listImageMembers"
        ? res.status === 400 && !uuid.test(req.params.image_id ?? "")
          ? openStackError(404, "Not Found", `Image ${req.params.image_id} not found.`)
          : res
        : res,
  },
  {
    id: "non-utf8-path-500",
    description:
      "answers a path holding a byte that is not UTF-8 (%FF) with an empty 500, credentials or not (as Glance does)",
    expect: { operation: "listImageMembers", check: "path_robustness" },
    request: (req) => (/%FF/i.test(req.url) ? { status: 500, headers: {}, body: "" } : req),
  },
  {
    id: "member-limit-half",
    description: "refuses members past half the limit with 413 (Glance's 128 where the contract says 256)",
    expect: { operation: "addImageMember", check: "member_limit" },
    response: async (req, res, forward) => {
      if (!is(req, "addImageMember") || res.status !== 200) return res;
      const base = `/v2/images/${req.params.image_id}/members`;
      const headers = { "x-auth-token": tokenOf("owner") };
      const listed = jsonOf(
        (await forward({ ...req, method: "GET", url: base, headers, body: "", operation: "listImageMembers" })).body,
      ) as { members?: unknown[] } | undefined;
      if ((listed?.members?.length ?? 0) <= faultMemberLimit / 2) return res;
      const member = String((jsonOf(res.body) as Row).member_id);
      await forward({
        ...req,
        method: "DELETE",
        url: `${base}/${member}`,
        headers,
        body: "",
        operation: "removeImageMember",
      });
      return openStackError(413, "Request Entity Too Large", "Image member limit exceeded.");
    },
  },
  {
    id: "duplicate-on-full-image-409",
    description: "checks duplicates before the member limit, so a duplicate add on a full image gets 409",
    expect: { operation: "addImageMember", check: "member_limit" },
    response: async (req, res, forward) => {
      const member = (jsonOf(req.body) as Row | undefined)?.member;
      if (!is(req, "addImageMember") || res.status !== 413 || typeof member !== "string") return res;
      const url = `/v2/images/${req.params.image_id}/members/${member}`;
      const shown = await forward({
        ...req,
        method: "GET",
        url,
        headers: { "x-auth-token": tokenOf("owner") },
        body: "",
      });
      return shown.status === 200 ? openStackError(409, "Conflict", `Member ${member} is duplicated.`) : res;
    },
  },
  {
    id: "oversized-body-stored",
    description: "accepts an oversized add-member body and stores a member from it (as Glance does)",
    expect: { operation: "addImageMember", check: "body_limit" },
    request: (req) =>
      is(req, "addImageMember") && req.body.length > 60000
        ? { ...req, body: JSON.stringify({ member: "f".repeat(32) }) }
        : req,
  },
  {
    id: "public-image-404",
    description: "answers 404 instead of 403 when a member or stranger lists the members of a public image",
    expect: { operation: "listImageMembers", check: "public_images" },
    response: (req, res) =>
      is(req, "listImageMembers") && req.params.image_id === fixtures.publicImage && roleOf(req) !== "owner"
        ? openStackError(404, "Not Found", "Image not found.")
        : res,
  },
  {
    id: "v2-code-wrong-reason",
    description: 'puts another status\'s reason into the code of /v2 404s ("404 Request Entity Too Large")',
    expect: { operation: "showImageMember", check: "documented_codes" },
    response: (req, res) => {
      const body = jsonOf(res.body) as Row | undefined;
      return is(req, "showImageMember") && res.status === 404 && body
        ? withJson(res, { ...body, code: "404 Request Entity Too Large" })
        : res;
    },
  },
  {
    id: "batch-401-without-apig-code",
    description: "answers /v1 401s with IMG.0001 instead of APIG.0301",
    expect: { operation: "batchAddImageMembers", check: "documented_codes" },
    response: (req, res) =>
      is(req, "batchAddImageMembers") && res.status === 401
        ? withJson(res, { error: { code: "IMG.0001", message: "unauthorised" } })
        : res,
  },
  {
    id: "batch-drops-own-project",
    description: "drops the caller's own project from a batch and shares the rest instead of refusing it",
    expect: { operation: "batchAddImageMembers", check: "batch_rules" },
    request: (req) => {
      const body = jsonOf(req.body) as { projects?: unknown[] } | undefined;
      const owner = actors.owner.project;
      return is(req, "batchAddImageMembers") &&
        Array.isArray(body?.projects) &&
        body.projects.includes(owner) &&
        body.projects.length > 1
        ? { ...req, body: JSON.stringify({ ...body, projects: body.projects.filter((p) => p !== owner) }) }
        : req;
    },
  },
  {
    id: "finished-job-percent-99",
    description: "reports process_percent 99 on finished jobs",
    expect: { operation: "showJob", check: "batch_rules" },
    response: (req, res) => {
      const job = jsonOf(res.body) as { status?: unknown; entities?: Row } | undefined;
      return is(req, "showJob") && job?.status === "SUCCESS" && job.entities
        ? withJson(res, { ...job, entities: { ...job.entities, process_percent: 99 } })
        : res;
    },
  },
];
