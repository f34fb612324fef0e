// Which request bodies the sandbox reads: JSON only, and nothing at all for operations that take no body.
import type { FastifyInstance, preParsingHookHandler } from "fastify";
import { ApiError } from "../errors.ts";

/** Only JSON bodies: Fastify's built-in text/plain parser is dropped, so other types answer 415. */
export function jsonBodiesOnly(app: FastifyInstance): void {
  app.removeContentTypeParser("text/plain");
}

/**
 * For a context whose operations take no body: whatever body comes along is read and dropped
 * (glanceclient sends DELETE with Content-Type: application/octet-stream).
 */
export function ignoreBodies(context: FastifyInstance): void {
  context.removeAllContentTypeParsers();
  context.addContentTypeParser("*", { parseAs: "buffer" }, (_request, _body, done) => done(null, undefined));
}

/**
 * A `preParsing` hook for operations that refuse a body (RouteSpec.refusesBody): a request that
 * carries one, by its length or a Transfer-Encoding as Glance judges it, is answered with 400.
 */
export const refuseBody: preParsingHookHandler = (request, _reply, payload, done) => {
  const { "content-length": length, "transfer-encoding": encoding } = request.headers;
  if (encoding === undefined && (length === undefined || Number(length) === 0)) {
    done(null, payload);
    return;
  }
  payload.resume();
  done(new ApiError(400, "This request takes no body; send it without one."));
};
