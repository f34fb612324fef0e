// One request per status the contract declares, for every operation, with the state each needs.
// http-members.test.ts and http-batch.test.ts run them; spec-coverage.test.ts checks that together
// they reach every declared status.
import { call, image, project, token, unknownProject, type Reply } from "./helpers.ts";

export interface CaseContext {
  /** A job of the owner's, started before the cases run. */
  jobId: string;
}

export interface HttpCase {
  name: string;
  operationId: string;
  status: number;
  method: string;
  path: string | ((context: CaseContext) => string);
  token?: string;
  json?: unknown;
  raw?: string;
  headers?: Record<string, string>;
  /** Expected IMS error code (/v1 only). */
  imsCode?: string;
  /** Text the error message must contain. */
  message?: string;
  /** Which sandbox: the default one, or one whose images are full (member limit 1) or whose job queue is full. */
  sandbox?: "default" | "full";
}

const members = (id: string) => `/v2/images/${id}/members`;
const member = (id: string, memberId: string) => `/v2/images/${id}/members/${memberId}`;
const job = (projectId: string, jobId: string) => `/v1/${projectId}/jobs/${jobId}`;
const hugeBody = JSON.stringify({ member: project.member, padding: "x".repeat(70 * 1024) });
const json = { "Content-Type": "application/json" };
const textPlain = { "Content-Type": "text/plain" };

/**
 * State the v2 cases rely on (set up by the owner before they run): `member` and `member2` are
 * members of the shared image, `member` has accepted; `member` is a member of the first private
 * image; `member2` and a seedless project are members of the second private image.
 */
export const memberCases: HttpCase[] = [
  // addImageMember
  { name: "owner shares an image", operationId: "addImageMember", status: 200, method: "POST", path: members(image.sharedTwo), token: token.owner, json: { member: unknownProject(1) } },
  { name: "member id not 32 hex", operationId: "addImageMember", status: 400, method: "POST", path: members(image.shared), token: token.owner, json: { member: "EDC89B490D7D4392898E19B2DEB34797" }, message: "body/member must match pattern" },
  { name: "member missing", operationId: "addImageMember", status: 400, method: "POST", path: members(image.shared), token: token.owner, json: {}, message: "body/member is required" },
  { name: "member is a number", operationId: "addImageMember", status: 400, method: "POST", path: members(image.shared), token: token.owner, json: { member: 123 }, message: "body/member must be string" },
  { name: "body is an array", operationId: "addImageMember", status: 400, method: "POST", path: members(image.shared), token: token.owner, json: [project.member2], message: "body must be object" },
  { name: "body is not JSON", operationId: "addImageMember", status: 400, method: "POST", path: members(image.shared), token: token.owner, raw: "{member:", headers: json, message: "Malformed JSON" },
  { name: "no body", operationId: "addImageMember", status: 400, method: "POST", path: members(image.shared), token: token.owner, message: "Body expected" },
  { name: "empty JSON body", operationId: "addImageMember", status: 400, method: "POST", path: members(image.shared), token: token.owner, raw: "", headers: json, message: "Body expected" },
  { name: "image id not a UUID", operationId: "addImageMember", status: 400, method: "POST", path: members("not-a-uuid"), token: token.owner, json: { member: project.member2 }, message: "path/image_id" },
  { name: "no token", operationId: "addImageMember", status: 401, method: "POST", path: members(image.shared), json: { member: project.member2 }, message: "X-Auth-Token header is missing" },
  { name: "unknown token", operationId: "addImageMember", status: 401, method: "POST", path: members(image.shared), token: "guess", json: { member: project.member2 }, message: "not a known token" },
  { name: "a member tries to share further", operationId: "addImageMember", status: 403, method: "POST", path: members(image.shared), token: token.member, json: { member: project.stranger }, message: "only the image owner" },
  { name: "public image", operationId: "addImageMember", status: 403, method: "POST", path: members(image.public), token: token.owner, json: { member: project.member }, message: "public images" },
  { name: "stranger", operationId: "addImageMember", status: 404, method: "POST", path: members(image.shared), token: token.stranger, json: { member: project.stranger }, message: `Image ${image.shared} not found.` },
  { name: "image that does not exist", operationId: "addImageMember", status: 404, method: "POST", path: members("00000000-0000-4000-8000-000000000000"), token: token.owner, json: { member: project.member } },
  { name: "duplicate", operationId: "addImageMember", status: 409, method: "POST", path: members(image.shared), token: token.owner, json: { member: project.member }, message: "duplicated" },
  { name: "image full (limit before duplicates)", operationId: "addImageMember", status: 413, method: "POST", path: members(image.shared), token: token.owner, json: { member: project.member }, message: "maximum 1", sandbox: "full" },
  { name: "body too large", operationId: "addImageMember", status: 413, method: "POST", path: members(image.shared), token: token.owner, raw: hugeBody, headers: json, message: "too large" },
  { name: "a field the schema does not list", operationId: "addImageMember", status: 400, method: "POST", path: members(image.shared), token: token.owner, json: { member: project.member2, status: "accepted" }, message: "body/status is not allowed" },
  { name: "text/plain body", operationId: "addImageMember", status: 415, method: "POST", path: members(image.shared), token: token.owner, raw: `{"member":"${project.member2}"}`, headers: textPlain, message: "text/plain is not supported" },

  // listImageMembers
  { name: "owner lists", operationId: "listImageMembers", status: 200, method: "GET", path: members(image.shared), token: token.owner },
  { name: "member lists its own row", operationId: "listImageMembers", status: 200, method: "GET", path: members(image.shared), token: token.member },
  { name: "image id not a UUID", operationId: "listImageMembers", status: 400, method: "GET", path: members("d164b5df1bc34c3f893e3e471fd16e64"), token: token.owner, message: "path/image_id" },
  { name: "no token", operationId: "listImageMembers", status: 401, method: "GET", path: members(image.shared) },
  { name: "public image", operationId: "listImageMembers", status: 403, method: "GET", path: members(image.public), token: token.owner, message: "public images have no members" },
  { name: "stranger", operationId: "listImageMembers", status: 404, method: "GET", path: members(image.shared), token: token.stranger },

  // showImageMember
  { name: "owner reads a member", operationId: "showImageMember", status: 200, method: "GET", path: member(image.shared, project.member2), token: token.owner },
  { name: "member reads itself", operationId: "showImageMember", status: 200, method: "GET", path: member(image.shared, project.member), token: token.member },
  { name: "member id malformed", operationId: "showImageMember", status: 400, method: "GET", path: member(image.shared, "nobody"), token: token.owner, message: "path/member_id" },
  { name: "no token", operationId: "showImageMember", status: 401, method: "GET", path: member(image.shared, project.member) },
  { name: "member reads another member", operationId: "showImageMember", status: 404, method: "GET", path: member(image.shared, project.member2), token: token.member },
  { name: "stranger", operationId: "showImageMember", status: 404, method: "GET", path: member(image.shared, project.member), token: token.stranger },
  { name: "not a member", operationId: "showImageMember", status: 404, method: "GET", path: member(image.shared, project.stranger), token: token.owner, message: "not found in the member list" },

  // updateImageMember
  { name: "member accepts", operationId: "updateImageMember", status: 200, method: "PUT", path: member(image.privateTwo, project.member2), token: token.member2, json: { status: "accepted" } },
  { name: "member repeats its id as openstacksdk does", operationId: "updateImageMember", status: 200, method: "PUT", path: member(image.privateOne, project.member), token: token.member, json: { status: "rejected", member: project.member } },
  { name: "a field the schema does not list", operationId: "updateImageMember", status: 400, method: "PUT", path: member(image.shared, project.member), token: token.member, json: { status: "accepted", note: "x" }, message: "body/note is not allowed" },
  { name: "status in the wrong case", operationId: "updateImageMember", status: 400, method: "PUT", path: member(image.shared, project.member), token: token.member, json: { status: "Accepted" }, message: 'body/status must be one of "pending", "accepted", "rejected"' },
  { name: "status missing", operationId: "updateImageMember", status: 400, method: "PUT", path: member(image.shared, project.member), token: token.member, json: {}, message: "body/status is required" },
  { name: "body is not JSON", operationId: "updateImageMember", status: 400, method: "PUT", path: member(image.shared, project.member), token: token.member, raw: "accepted", headers: json, message: "Malformed JSON" },
  { name: "no token", operationId: "updateImageMember", status: 401, method: "PUT", path: member(image.shared, project.member), json: { status: "accepted" } },
  { name: "owner tries to answer", operationId: "updateImageMember", status: 403, method: "PUT", path: member(image.shared, project.member), token: token.owner, json: { status: "accepted" }, message: "only the member project" },
  { name: "another member's row", operationId: "updateImageMember", status: 404, method: "PUT", path: member(image.shared, project.member2), token: token.member, json: { status: "accepted" } },
  { name: "stranger", operationId: "updateImageMember", status: 404, method: "PUT", path: member(image.shared, project.member), token: token.stranger, json: { status: "accepted" } },
  { name: "body too large", operationId: "updateImageMember", status: 413, method: "PUT", path: member(image.shared, project.member), token: token.member, raw: hugeBody, headers: json },
  { name: "form-encoded body", operationId: "updateImageMember", status: 415, method: "PUT", path: member(image.shared, project.member), token: token.member, raw: "status=accepted", headers: { "Content-Type": "application/x-www-form-urlencoded" } },

  // removeImageMember
  { name: "owner removes a member", operationId: "removeImageMember", status: 204, method: "DELETE", path: member(image.privateTwo, unknownProject(2)), token: token.owner },
  { name: "image id not a UUID", operationId: "removeImageMember", status: 400, method: "DELETE", path: member("x", project.member), token: token.owner },
  { name: "no token", operationId: "removeImageMember", status: 401, method: "DELETE", path: member(image.shared, project.member) },
  { name: "member tries to leave", operationId: "removeImageMember", status: 403, method: "DELETE", path: member(image.shared, project.member), token: token.member, message: "only the image owner" },
  { name: "stranger", operationId: "removeImageMember", status: 404, method: "DELETE", path: member(image.shared, project.member), token: token.stranger },
  { name: "not a member", operationId: "removeImageMember", status: 404, method: "DELETE", path: member(image.shared, project.stranger), token: token.owner },
];

const batch = "/v1/cloudimages/members";
const many = (n: number) => Array.from({ length: n }, (_, i) => unknownProject(i + 100));

/** State the v1 cases rely on: `member` is a member of the shared image; the owner has started one job. */
export const batchCases: HttpCase[] = [
  // batchAddImageMembers
  { name: "owner shares in batch", operationId: "batchAddImageMembers", status: 200, method: "POST", path: batch, token: token.owner, json: { images: [image.sharedTwo, image.privateTwo], projects: [project.member2] } },
  { name: "projects missing", operationId: "batchAddImageMembers", status: 400, method: "POST", path: batch, token: token.owner, json: { images: [image.shared] }, imsCode: "IMG.0001", message: "body/projects is required" },
  { name: "empty images", operationId: "batchAddImageMembers", status: 400, method: "POST", path: batch, token: token.owner, json: { images: [], projects: [project.member] }, imsCode: "IMG.0001", message: "body/images" },
  { name: "101 projects", operationId: "batchAddImageMembers", status: 400, method: "POST", path: batch, token: token.owner, json: { images: [image.shared], projects: many(101) }, imsCode: "IMG.0001", message: "body/projects must NOT have more than 100 items" },
  { name: "a project twice", operationId: "batchAddImageMembers", status: 400, method: "POST", path: batch, token: token.owner, json: { images: [image.shared], projects: [project.member, project.member] }, imsCode: "IMG.0001", message: "duplicates" },
  { name: "a field of Huawei's", operationId: "batchAddImageMembers", status: 400, method: "POST", path: batch, token: token.owner, json: { images: [image.shared], projects: [project.member], domains: [] }, imsCode: "IMG.0001", message: "body/domains is not allowed" },
  { name: "body is not JSON", operationId: "batchAddImageMembers", status: 400, method: "POST", path: batch, token: token.owner, raw: "images=1", headers: json, imsCode: "IMG.0001" },
  { name: "no body", operationId: "batchAddImageMembers", status: 400, method: "POST", path: batch, token: token.owner, imsCode: "IMG.0007" },
  { name: "empty JSON body", operationId: "batchAddImageMembers", status: 400, method: "POST", path: batch, token: token.owner, raw: "", headers: json, imsCode: "IMG.0007" },
  { name: "malformed image id", operationId: "batchAddImageMembers", status: 400, method: "POST", path: batch, token: token.owner, json: { images: [image.shared, "image-2"], projects: [project.member] }, imsCode: "IMG.0066", message: "body/images/1" },
  { name: "malformed project id", operationId: "batchAddImageMembers", status: 400, method: "POST", path: batch, token: token.owner, json: { images: [image.shared], projects: ["p1"] }, imsCode: "IMG.0067", message: "body/projects/0" },
  { name: "image does not exist", operationId: "batchAddImageMembers", status: 400, method: "POST", path: batch, token: token.owner, json: { images: ["00000000-0000-4000-8000-000000000000"], projects: [project.member] }, imsCode: "IMG.0027" },
  { name: "image not owned", operationId: "batchAddImageMembers", status: 400, method: "POST", path: batch, token: token.member, json: { images: [image.shared], projects: [project.member2] }, imsCode: "IMG.0047" },
  { name: "public image", operationId: "batchAddImageMembers", status: 400, method: "POST", path: batch, token: token.owner, json: { images: [image.public], projects: [project.member] }, imsCode: "IMG.0089" },
  { name: "own project", operationId: "batchAddImageMembers", status: 400, method: "POST", path: batch, token: token.owner, json: { images: [image.shared], projects: [project.owner] }, imsCode: "IMG.0076" },
  { name: "no token", operationId: "batchAddImageMembers", status: 401, method: "POST", path: batch, json: { images: [image.shared], projects: [project.member] }, imsCode: "APIG.0301" },
  { name: "unknown token", operationId: "batchAddImageMembers", status: 401, method: "POST", path: batch, token: "guess", json: { images: [image.shared], projects: [project.member] }, imsCode: "APIG.0301" },
  { name: "body too large", operationId: "batchAddImageMembers", status: 413, method: "POST", path: batch, token: token.owner, raw: JSON.stringify({ images: [image.shared], projects: many(2000) }), headers: json, imsCode: "IMG.0001" },
  { name: "text/plain body", operationId: "batchAddImageMembers", status: 415, method: "POST", path: batch, token: token.owner, raw: "{}", headers: textPlain, imsCode: "IMG.0001" },
  { name: "too many unfinished jobs", operationId: "batchAddImageMembers", status: 503, method: "POST", path: batch, token: token.owner, json: { images: [image.shared], projects: [project.member2] }, imsCode: "IMG.0060", sandbox: "full" },

  // showJob
  { name: "owner reads its job", operationId: "showJob", status: 200, method: "GET", path: (c) => job(project.owner, c.jobId), token: token.owner },
  { name: "job id malformed", operationId: "showJob", status: 400, method: "GET", path: job(project.owner, "job-1"), token: token.owner, imsCode: "IMG.0001", message: "path/job_id" },
  { name: "project id malformed", operationId: "showJob", status: 400, method: "GET", path: (c) => job("owner", c.jobId), token: token.owner, imsCode: "IMG.0001", message: "path/project_id" },
  { name: "no token", operationId: "showJob", status: 401, method: "GET", path: (c) => job(project.owner, c.jobId), imsCode: "APIG.0301" },
  { name: "another project's path", operationId: "showJob", status: 403, method: "GET", path: (c) => job(project.member, c.jobId), token: token.owner, imsCode: "IMG.0161" },
  { name: "job unknown", operationId: "showJob", status: 404, method: "GET", path: job(project.owner, "0".repeat(32)), token: token.owner, imsCode: "IMG.0023" },
  { name: "another project's job", operationId: "showJob", status: 404, method: "GET", path: (c) => job(project.member, c.jobId), token: token.member, imsCode: "IMG.0023" },
];

/** Statuses the contract declares that the sandbox cannot be made to answer, and why. */
export const unreachable: Record<string, string> = {
  "*:500": "no request makes the sandbox fail; the error handler's 500 shape is checked in http-robustness.test.ts",
  "*:503": "only batch sharing has a queue that can be full",
  "batchAddImageMembers:403": "the sandbox has no IAM permissions: every seed project may share",
  "batchAddImageMembers:404": "IMS's own missing resources have no counterpart in the sandbox",
};

/** Sends one case to the sandbox it names, as its token, with its body. */
export function sendCase(c: HttpCase, urls: { default: string; full: string }, context: CaseContext): Promise<Reply> {
  return call(urls[c.sandbox ?? "default"], c.method, typeof c.path === "string" ? c.path : c.path(context), {
    token: c.token,
    ...(c.json === undefined ? {} : { json: c.json }),
    ...(c.raw === undefined ? {} : { raw: c.raw }),
    ...(c.headers ? { headers: c.headers } : {}),
  });
}

