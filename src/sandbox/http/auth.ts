// Token checks: an `onRequest` hook that maps X-Auth-Token to the caller's project through the
// seed, or refuses with 401 in the route family's words. Handlers read the project as `request.caller`.
import type { FastifyInstance, onRequestHookHandler } from "fastify";
import { ApiError, ImsCode } from "../errors.ts";
import type { Catalog } from "../seed.ts";
import { familyOfRequest } from "./errors.ts";

declare module "fastify" {
  interface FastifyRequest {
    /** Project id of the caller, once `authenticate` has let the request through. */
    caller: string;
  }
}

/** Decorates requests with `caller` and returns the hook that sets it. */
export function authentication(app: FastifyInstance, catalog: Catalog): onRequestHookHandler {
  app.decorateRequest("caller", "");
  return (request, _reply, done) => {
    const token = request.headers["x-auth-token"];
    const project = typeof token === "string" ? catalog.projectForToken(token) : undefined;
    if (!project) {
      const what =
        typeof token === "string" ? "the X-Auth-Token is not a known token" : "the X-Auth-Token header is missing";
      const message =
        familyOfRequest(request) === "ims"
          ? `Incorrect IAM authentication information: ${what}.`
          : `The request needs a valid X-Auth-Token header: ${what}.`;
      done(new ApiError(401, message, ImsCode.unauthorized));
      return;
    }
    request.caller = project.id;
    done();
  };
}
