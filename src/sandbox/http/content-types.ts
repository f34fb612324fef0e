// Which request bodies the sandbox reads: JSON only, and nothing at all for operations that take no body.
import type { FastifyInstance } from "fastify";

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
