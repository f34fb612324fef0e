// Paths and methods no route serves: 405 with `Allow` on a path the sandbox knows under another
// method, 404 everywhere else, both in the path's error family.
import type { FastifyReply, FastifyRequest } from "fastify";
import { quote } from "../errors.ts";
import { normalizedPath, sendError } from "./errors.ts";

export interface KnownPath {
  /** Path template: `/v2/images/{image_id}/members`. */
  path: string;
  /** Methods served on it, in the order `Allow` lists them. */
  allow: readonly string[];
}

export function notFoundHandler(known: KnownPath[]) {
  const patterns = known.map(({ path, allow }) => ({
    pattern: new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+")}$`),
    allow,
  }));
  return (request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const path = normalizedPath(request.url);
    const allow = patterns.find((k) => k.pattern.test(path))?.allow;
    if (!allow) return sendError(request, reply, 404, `The resource could not be found: ${quote(path)}.`);
    reply.header("Allow", allow.join(", "));
    return sendError(
      request,
      reply,
      405,
      `The method ${request.method} is not allowed for this resource; use ${allow.join(" or ")}.`,
    );
  };
}
