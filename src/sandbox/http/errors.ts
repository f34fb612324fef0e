// One place that turns everything that goes wrong into the answer the contract declares: the error
// family (JSON shape and request-id header) of the route that matched, the status, and the message.
import { randomUUID } from "node:crypto";
import type { Socket } from "node:net";
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
  // A malformed id inside the batch arrays has its own IMS code; every other schema problem is IMG.0001.
  const malformedId = where === "body" ? /^body\/(images|projects)\/\d+$/.exec(field) : null;
  const code =
    malformedId?.[1] === "images"
      ? ImsCode.badImageId
      : malformedId?.[1] === "projects"
        ? ImsCode.badProjectId
        : ImsCode.badRequest;
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

/** Errors Fastify's router raises before a route is chosen: a URL it cannot decode, a path parameter too long. */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const path = quote(request.url);
  const message =
    error.code === "FST_ERR_MAX_PARAM_LENGTH"
      ? `A path parameter is too long: ${path}.`
      : `The request path is not valid percent-encoding: ${path}.`;
  return sendError(request, reply, 400, message);
}

/** What each refusal of Node's HTTP parser means, in words (codes of llhttp). */
const parserErrors: Record<string, string> = {
  HPE_HEADER_OVERFLOW: "The request's header section is larger than the server's limit of 16 KiB.",
  HPE_INVALID_METHOD: "The request method is not one this server knows; methods are upper case.",
  HPE_INVALID_URL: "The request target is not a valid URL; characters outside ASCII must be percent-encoded.",
  HPE_INVALID_HEADER_TOKEN: "A header name or value holds characters that HTTP does not allow.",
  HPE_UNEXPECTED_CONTENT_LENGTH:
    "The request has more than one Content-Length, or Content-Length and Transfer-Encoding.",
  HPE_INVALID_TRANSFER_ENCODING: "The request's Transfer-Encoding is not valid, or comes with a Content-Length.",
  HPE_INVALID_CONTENT_LENGTH: "The request's Content-Length is not a valid number.",
  HPE_PAUSED_H2_UPGRADE: "This server speaks HTTP/1.1 only.",
  HPE_INVALID_VERSION: "This server speaks HTTP/1.1 only.",
};

/** The request target of a raw request the parser refused, read from its request line; `/` when there is none. */
function requestTarget(rawPacket: unknown): string {
  if (!Buffer.isBuffer(rawPacket)) return "/";
  const line = rawPacket.subarray(0, 4096).toString("latin1").split("\r\n", 1)[0] ?? "";
  return line.split(" ")[1] ?? "/";
}

/**
 * Fastify's `clientErrorHandler`: a request Node's HTTP parser refused never reaches a route, so
 * it is answered here, on the socket, with 400 in the error shape and request-id header of the
 * family its path belongs to. A reset connection or one that timed out is closed without an answer.
 */
export function clientErrorHandler(error: Error & { code?: string; rawPacket?: unknown }, socket: Socket): void {
  if (error.code === "ECONNRESET" || error.code === "ERR_HTTP_REQUEST_TIMEOUT" || !socket.writable) {
    socket.destroy();
    return;
  }
  const family = familyOf(normalizedPath(requestTarget(error.rawPacket)));
  const message = parserErrors[error.code ?? ""] ?? "The request is not valid HTTP/1.1.";
  const body = JSON.stringify(errorBody(family, 400, message, ImsCode.badRequest));
  socket.end(
    [
      "HTTP/1.1 400 Bad Request",
      "Content-Type: application/json; charset=utf-8",
      `Content-Length: ${Buffer.byteLength(body)}`,
      `${requestIdHeader(family)}: ${requestIdValue(family)}`,
      "Connection: close",
      "",
      body,
    ].join("\r\n"),
  );
}
