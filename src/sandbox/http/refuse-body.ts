// Operations that refuse a body rather than ignore it (RouteSpec.refusesBody: the schema routes,
// which Glance answers with 400 when a body comes along).
import type { preParsingHookHandler } from "fastify";
import { ApiError } from "../errors.ts";

/**
 * A `preParsing` hook: a request that carries a body, by its length or a Transfer-Encoding as Glance
 * judges it, is answered with 400; the body is drained unread.
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
