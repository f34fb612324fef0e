// Which request bodies the sandbox reads: JSON only, and nothing at all for operations that take no body.
import type { FastifyInstance, preParsingHookHandler } from "fastify";

/** Only JSON bodies: Fastify's built-in text/plain parser is dropped, so other types answer 415. */
export function jsonBodiesOnly(app: FastifyInstance): void {
  app.removeContentTypeParser("text/plain");
}

/**
 * A `preParsing` hook for operations that take no body: whatever body comes along is read and
 * dropped (glanceclient sends DELETE with Content-Type: application/octet-stream). Its framing
 * headers are removed before Fastify looks at them, so neither its size nor its Content-Type (even
 * an empty one) can turn the request into a 413 or 415 that the operation does not declare.
 */
export const ignoreBody: preParsingHookHandler = (request, _reply, payload, done) => {
  const headers = request.raw.headers;
  if (
    headers["content-type"] !== undefined ||
    headers["content-length"] !== undefined ||
    headers["transfer-encoding"] !== undefined
  ) {
    payload.resume();
    delete headers["content-type"];
    delete headers["content-length"];
    delete headers["transfer-encoding"];
  }
  done(null, payload);
};
