// One place that turns everything that goes wrong into the answer the contract declares: the error
// family (JSON shape and request-id header) of the route that matched, the status, and the message.
import { randomUUID } from "node:crypto";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { describeError, type ErrorObject } from "../../spec/ajv.ts";
import { ApiError, type ErrorFamily, errorBody, familyOf, ImsCode, quote } from "../errors.ts";

declare module "fastify" {
  interface FastifyContextConfig {
    /** The error family of the route; set on every route the sandbox declares. */
    family?: ErrorFamily;
  }
}

/**
 * The path as the router sees it: percent-encoded unreserved characters decoded (RFC 3986, 6.2.2.2),
 * so `/%761/...` is `/v1/...`.
 */
export function normalizedPath(url: string): string {
  const path = url.split("?")[0] ?? "/";
  return path.replace(/%([0-9A-Fa-f]{2})/g, (encoded, hex: string) => {
    const char = String.fromCharCode(Number.parseInt(hex, 16));
    return /^[A-Za-z0-9\-._~]$/.test(char) ? char : encoded;
  });
}

/** The family of the route that matched, or, for a path no route serves, the family its path belongs to. */
export function familyOfRequest(request: FastifyRequest): ErrorFamily {
  return request.routeOptions.config.family ?? familyOf(normalizedPath(request.url));
}

export function requestIdHeader(family: ErrorFamily): string {
  return family === "ims" ? "X-Request-Id" : "X-Openstack-Request-Id";
}

/** A request id in the family's form: 32 hex characters for IMS, `req-<uuid>` for OpenStack. */
export function requestIdValue(family: ErrorFamily, id: string = randomUUID()): string {
  return family === "ims" ? id.replaceAll("-", "") : `req-${id}`;
}

export function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  message: string,
  imsCode?: ImsCode,
): FastifyReply {
  const family = familyOfRequest(request);
  const header = requestIdHeader(family);
  if (!reply.hasHeader(header)) reply.header(header, requestIdValue(family, request.id));
  return reply
    .code(status)
    .type("application/json")
    .send(errorBody(family, status, message, imsCode));
}

export function noBody(family: ErrorFamily): ApiError {
  return family === "ims"
    ? new ApiError(400, "The request body is empty; send a JSON object.", ImsCode.noBody)
    : new ApiError(400, "Body expected in request.");
}

/** A request that fails its route's schema: the first problem, with the field named (`body/member`, `path/image_id`). */
function invalid(family: ErrorFamily, problem: ErrorObject | undefined, where: "params" | "body"): ApiError {
  const root = where === "params" ? "path" : "body";
  const { at, message } = problem ? describeError(problem) : { at: [], message: "is invalid" };
  const field = [root, ...at].join("/");
  const text = `Invalid request: ${field} ${message}.`;
  if (family === "openstack") return new ApiError(400, text);
  // A malformed id in a batch body has its own IMS code; every other schema problem is IMG.0001.
  const malformedId = where === "body" ? /^body\/(images\/\d+|projects\/\d+|project_id)$/.exec(field)?.[1] : undefined;
  const code =
    malformedId === undefined
      ? ImsCode.badRequest
      : malformedId.startsWith("images")
        ? ImsCode.badImageId
        : ImsCode.badProjectId;
  return new ApiError(400, text, code);
}

/** Fastify's error handler: every error a route or Fastify raises, in the route family's shape. */
export function errorHandler(bodyLimit: number) {
  return (error: FastifyError | ApiError, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const family = familyOfRequest(request);
    const fail = (e: ApiError) => sendError(request, reply, e.status, e.message, e.imsCode);
    if (error instanceof ApiError) return fail(error);
    if (error.validation) {
      // Fastify validates the path parameters first, then the body; a body that is not there at all is "empty".
      if (error.validationContext === "body" && request.body === undefined) return fail(noBody(family));
      return fail(invalid(family, error.validation[0] as ErrorObject | undefined, error.validationContext as "params"));
    }
    switch (error.code) {
      case "FST_ERR_CTP_INVALID_MEDIA_TYPE": {
        const type = request.headers["content-type"];
        const shown = type === undefined ? "(none)" : quote(type);
        return sendError(request, reply, 415, `Content-Type ${shown} is not supported; send application/json.`);
      }
      case "FST_ERR_CTP_BODY_TOO_LARGE":
        return sendError(request, reply, 413, `The request body is too large: the limit is ${bodyLimit} bytes.`);
      case "FST_ERR_CTP_EMPTY_JSON_BODY":
        return fail(noBody(family));
      case "FST_ERR_CTP_INVALID_JSON_BODY":
        return sendError(request, reply, 400, "Malformed JSON in request body.", ImsCode.badRequest);
    }
    const status = error.statusCode;
    if (status !== undefined && status >= 400 && status < 500) return sendError(request, reply, status, error.message);
    process.stderr.write(`sandbox: ${request.method} ${request.url} failed: ${error.stack ?? String(error)}\n`);
    const message =
      family === "ims"
        ? "An unknown system error occurred."
        : "The server has either erred or is incapable of performing the requested operation.";
    return sendError(request, reply, 500, message, ImsCode.internal);
  };
}

/** Errors Fastify's router raises before a route is chosen (a URL it cannot decode, a parameter too long). */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendError(request, reply, 400, `The request could not be understood: ${error.message}`);
}
