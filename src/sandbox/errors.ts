// Errors the sandbox answers with, and the two JSON shapes they take: IMS's on /v1, OpenStack's on
// /v2 (and on every path outside /v1).
import { STATUS_CODES } from "node:http";

/** IMS error codes the sandbox uses, by meaning. */
export const ImsCode = {
  badRequest: "IMG.0001",
  noBody: "IMG.0007",
  jobNotFound: "IMG.0023",
  imageNotFound: "IMG.0027",
  notOwner: "IMG.0047",
  tooManyJobs: "IMG.0060",
  internal: "IMG.0061",
  badImageId: "IMG.0066",
  badProjectId: "IMG.0067",
  shareWithSelf: "IMG.0076",
  memberLimit: "IMG.0088",
  publicImage: "IMG.0089",
  unsupported: "IMG.0105",
  forbidden: "IMG.0161",
  unauthorized: "APIG.0301",
} as const;
export type ImsCode = (typeof ImsCode)[keyof typeof ImsCode];

/** A refusal with its HTTP status. `imsCode` is used on /v1 routes; without it, one is picked by status. */
export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly status: number,
    message: string,
    readonly imsCode?: ImsCode,
  ) {
    super(message);
  }
}

export const notFound = (message: string, imsCode?: ImsCode) => new ApiError(404, message, imsCode);
export const forbidden = (message: string, imsCode?: ImsCode) => new ApiError(403, message, imsCode);

/** The two route families: each has its error shape and its request-id header. */
export type ErrorFamily = "openstack" | "ims";

/** /v1 speaks IMS; everything else, including unknown paths, speaks OpenStack. */
export function familyOf(path: string): ErrorFamily {
  return path.startsWith("/v1/") || path === "/v1" ? "ims" : "openstack";
}

export function reasonPhrase(status: number): string {
  // Glance (webob) still says "Request Entity Too Large", and so does the contract.
  if (status === 413) return "Request Entity Too Large";
  return STATUS_CODES[status] ?? "Error";
}

/** The spec's limit on an error message (`maxLength` of both error schemas). */
export const maxMessageLength = 2048;

/** Client input quoted in an error message, cut to `max` characters so the message stays short. */
export function quote(input: string, max = 200): string {
  return input.length <= max ? input : `${input.slice(0, max)}… (${input.length} characters)`;
}

const defaultImsCode: Record<number, ImsCode> = {
  400: ImsCode.badRequest,
  401: ImsCode.unauthorized,
  403: ImsCode.forbidden,
  404: ImsCode.unsupported,
  405: ImsCode.unsupported,
  413: ImsCode.badRequest,
  415: ImsCode.badRequest,
  503: ImsCode.tooManyJobs,
};

export function errorBody(family: ErrorFamily, status: number, message: string, imsCode?: ImsCode): object {
  // A last guard: whatever a message quotes, it never exceeds the spec's limit.
  const text = message.length <= maxMessageLength ? message : `${message.slice(0, maxMessageLength - 1)}…`;
  if (family === "ims")
    return { error: { code: imsCode ?? defaultImsCode[status] ?? ImsCode.internal, message: text } };
  const title = reasonPhrase(status);
  return { message: text, code: `${status} ${title}`, title };
}
