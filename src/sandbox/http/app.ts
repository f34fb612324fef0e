// The HTTP face of the sandbox, put together: the contract's routes with their schemas and the
// shared Ajv, token checks, JSON-only bodies, the OpenStack documents, 404/405, and one error
// handler that answers everything in the route family's shape with its request-id header.
import { randomUUID } from "node:crypto";
import Fastify, { type FastifyInstance, type onRequestHookHandler } from "fastify";
import type { BatchSharing } from "../batch.ts";
import type { MemberRules } from "../members.ts";
import type { Catalog } from "../seed.ts";
import type { Contract } from "../spec.ts";
import { authentication } from "./auth.ts";
import { jsonBodiesOnly } from "./content-types.ts";
import { clientErrorHandler, errorHandler, frameworkErrors, requestIdHeader, requestIdValue } from "./errors.ts";
import { notFoundHandler } from "./not-found.ts";
import { registerOpenStackDocuments } from "./openstack.ts";
import { registerOperations } from "./routes.ts";

export interface AppDeps {
  contract: Contract;
  catalog: Catalog;
  members: MemberRules;
  batch: BatchSharing;
  /** Largest request body accepted, in bytes. */
  bodyLimit: number;
  /** Receives one line per request; absent means silent. */
  log?: ((line: string) => void) | undefined;
}

export function buildApp(deps: AppDeps): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: deps.bodyLimit,
    // HEAD wherever GET is served (RFC 9110, 9.3.2): Fastify adds a HEAD route for each GET route.
    exposeHeadRoutes: true,
    forceCloseConnections: true,
    routerOptions: { maxParamLength: 500 },
    // The family's form of the id (IMS or OpenStack) is only known once the route is; see requestIdValue.
    genReqId: () => randomUUID(),
    frameworkErrors,
    clientErrorHandler,
  });
  app.setValidatorCompiler(deps.contract.validatorCompiler);
  app.setErrorHandler(errorHandler(deps.bodyLimit));
  jsonBodiesOnly(app);

  // Each route stamps its family's request-id header from the start, its family being known when
  // it is added; paths no route serves, and errors before routing, get theirs in sendError.
  app.addHook("onRoute", (route) => {
    const family = route.config?.family;
    if (!family) return;
    const header = requestIdHeader(family);
    const stamp: onRequestHookHandler = (request, reply, done) => {
      reply.header(header, requestIdValue(family, request.id));
      done();
    };
    route.onRequest = [stamp, ...[route.onRequest ?? []].flat()];
  });
  const log = deps.log;
  if (log) {
    app.addHook("onResponse", (request, reply, done) => {
      log(`${request.method} ${request.url} ${reply.statusCode} ${reply.elapsedTime.toFixed(1)}ms`);
      done();
    });
  }

  const authenticate = authentication(app, deps.catalog);
  registerOperations(app, deps.contract.operations, { members: deps.members, batch: deps.batch, authenticate });
  const documents = registerOpenStackDocuments(app, authenticate);
  const specPaths = new Map(deps.contract.operations.map((op) => [op.path, withHead(op.allow)]));
  app.setNotFoundHandler(notFoundHandler([...[...specPaths].map(([path, allow]) => ({ path, allow })), ...documents]));
  return app;
}

/** The methods served on a path: the spec's, with HEAD after GET. */
function withHead(allow: readonly string[]): string[] {
  return allow.flatMap((method) => (method === "GET" ? ["GET", "HEAD"] : [method]));
}
