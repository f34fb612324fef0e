// The HTTP face of the sandbox: routes built from the contract's operations, token checks, request
// validation, and one JSON error shape per API family for everything that goes wrong.
import { randomUUID } from "node:crypto";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type RouteOptions } from "fastify";
import type { BatchRequest, BatchSharing } from "../batch.ts";
import type { MemberStatus } from "../db.ts";
import { ApiError, type ErrorFlavour, errorBody, flavourOf, ImsCode } from "../errors.ts";
import type { MemberRules } from "../members.ts";
import type { Catalog } from "../seed.ts";
import type { RequestProblem, SpecOperation } from "../spec.ts";
import { schemaDocuments, versionsDocument } from "./openstack.ts";

export interface AppDeps {
  operations: SpecOperation[];
  catalog: Catalog;
  members: MemberRules;
  batch: BatchSharing;
  /** Largest request body accepted, in bytes. */
  bodyLimit: number;
  /** Receives one line per request; absent means silent. */
  log?: ((line: string) => void) | undefined;
}

type Params = Record<string, string>;
interface Outcome {
  status: number;
  body?: unknown;
}
type OperationHandler = (caller: string, params: Params, body: unknown) => Outcome;

const ok = (body: unknown): Outcome => ({ status: 200, body });

function operationHandlers(members: MemberRules, batch: BatchSharing): Record<string, OperationHandler> {
  return {
    addImageMember: (caller, p, body) =>
      ok(members.add(caller, p.image_id as string, (body as { member: string }).member)),
    listImageMembers: (caller, p) => ok(members.list(caller, p.image_id as string)),
    showImageMember: (caller, p) => ok(members.show(caller, p.image_id as string, p.member_id as string)),
    updateImageMember: (caller, p, body) =>
      ok(
        members.update(caller, p.image_id as string, p.member_id as string, (body as { status: MemberStatus }).status),
      ),
    removeImageMember: (caller, p) => {
      members.remove(caller, p.image_id as string, p.member_id as string);
      return { status: 204 };
    },
    batchAddImageMembers: (caller, _p, body) => ok(batch.submit(caller, body as BatchRequest)),
    showJob: (caller, p) => ok(batch.show(caller, p.project_id as string, p.job_id as string)),
  };
}

/** Paths the sandbox serves besides the contract's, for OpenStack clients. */
const openstackPaths = ["/", "/versions", ...Object.keys(schemaDocuments).map((name) => `/v2/schemas/${name}`)];

export function buildApp(deps: AppDeps): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: deps.bodyLimit,
    exposeHeadRoutes: false,
    forceCloseConnections: true,
    routerOptions: { maxParamLength: 500 },
    genReqId: (req) => requestId(flavourOf(req.url ?? "/")),
    frameworkErrors: (error, request, reply) =>
      sendError(request, reply, 400, `The request could not be understood: ${error.message}`),
  });
  const callers = new WeakMap<FastifyRequest, string>();

  // Only JSON bodies: drop Fastify's built-in text/plain parser so other types answer 415.
  app.removeContentTypeParser("text/plain");

  app.addHook("onRequest", (request, reply, done) => {
    reply.header(requestIdHeader(flavourOf(request.url)), request.id);
    done();
  });
  const log = deps.log;
  if (log) {
    app.addHook("onResponse", (request, reply, done) => {
      log(`${request.method} ${request.url} ${reply.statusCode} ${reply.elapsedTime.toFixed(1)}ms`);
      done();
    });
  }

  const authenticate = (request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void) => {
    const token = request.headers["x-auth-token"];
    const project = typeof token === "string" ? deps.catalog.projectForToken(token) : undefined;
    if (!project) {
      const ims = flavourOf(request.url) === "ims";
      const what =
        typeof token === "string" ? "the X-Auth-Token is not a known token" : "the X-Auth-Token header is missing";
      const message = ims
        ? `Incorrect IAM authentication information: ${what}.`
        : `The request needs a valid X-Auth-Token header: ${what}.`;
      done(new ApiError(401, message, ImsCode.unauthorized));
      return;
    }
    callers.set(request, project.id);
    done();
  };

  const handlers = operationHandlers(deps.members, deps.batch);
  const routeFor = (op: SpecOperation): RouteOptions => {
    const handler = handlers[op.operationId];
    if (!handler)
      throw new Error(`the spec declares operation ${op.operationId}, which the sandbox does not implement`);
    const flavour = flavourOf(op.path);
    return {
      method: op.method.toUpperCase(),
      url: op.route,
      onRequest: authenticate,
      handler(request, reply) {
        const problem = op.checkParams(request.params);
        if (problem) throw invalid(flavour, problem, "params");
        if (op.hasBody) {
          if (request.body === undefined) throw noBody(flavour);
          const bodyProblem = op.checkBody(request.body);
          if (bodyProblem) throw invalid(flavour, bodyProblem, "body");
        }
        const outcome = handler(callers.get(request) as string, request.params as Params, request.body);
        return reply.code(outcome.status).send(outcome.body);
      },
    };
  };
  const withBody = deps.operations.filter((o) => o.hasBody).map(routeFor);
  const withoutBody = deps.operations.filter((o) => !o.hasBody).map(routeFor);
  for (const route of withBody) app.route(route);
  // Operations without a request body ignore whatever body comes along (glanceclient sends DELETE
  // with Content-Type: application/octet-stream), in a context of their own.
  app.register(async (bodyless) => {
    bodyless.removeAllContentTypeParsers();
    bodyless.addContentTypeParser("*", { parseAs: "buffer" }, (_request, _body, done) => done(null, undefined));
    for (const route of withoutBody) bodyless.route(route);
  });

  const baseUrl = (request: FastifyRequest) => `${request.protocol}://${request.host}`;
  app.get("/", (request, reply) => reply.send(versionsDocument(baseUrl(request))));
  app.get("/versions", (request, reply) => reply.send(versionsDocument(baseUrl(request))));
  for (const [name, document] of Object.entries(schemaDocuments)) {
    app.get(`/v2/schemas/${name}`, { onRequest: authenticate }, (_request, reply) => reply.send(document));
  }

  const known = knownPaths(deps.operations);
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split("?")[0] ?? "/";
    const allow = known.find((k) => k.pattern.test(path))?.allow;
    if (!allow) return sendError(request, reply, 404, `The resource could not be found: ${path}.`);
    reply.header("Allow", allow.join(", "));
    return sendError(
      request,
      reply,
      405,
      `The method ${request.method} is not allowed for this resource; use ${allow.join(" or ")}.`,
    );
  });

  app.setErrorHandler((error, request, reply) => {
    const flavour = flavourOf(request.url);
    if (error instanceof ApiError) return sendError(request, reply, error.status, error.message, error.imsCode);
    const fastifyError = error as { code?: string; statusCode?: number; message: string };
    switch (fastifyError.code) {
      case "FST_ERR_CTP_INVALID_MEDIA_TYPE": {
        const type = request.headers["content-type"];
        return sendError(
          request,
          reply,
          415,
          `Content-Type ${type ?? "(none)"} is not supported; send application/json.`,
        );
      }
      case "FST_ERR_CTP_BODY_TOO_LARGE":
        return sendError(request, reply, 413, `The request body is too large: the limit is ${deps.bodyLimit} bytes.`);
      case "FST_ERR_CTP_EMPTY_JSON_BODY": {
        const e = noBody(flavour);
        return sendError(request, reply, e.status, e.message, e.imsCode);
      }
      case "FST_ERR_CTP_INVALID_JSON_BODY":
        return sendError(request, reply, 400, "Malformed JSON in request body.", ImsCode.badRequest);
    }
    const status = fastifyError.statusCode;
    if (status !== undefined && status >= 400 && status < 500)
      return sendError(request, reply, status, fastifyError.message);
    process.stderr.write(
      `sandbox: ${request.method} ${request.url} failed: ${(error as Error).stack ?? String(error)}\n`,
    );
    const message =
      flavour === "ims"
        ? "An unknown system error occurred."
        : "The server has either erred or is incapable of performing the requested operation.";
    return sendError(request, reply, 500, message, ImsCode.internal);
  });

  return app;
}

function invalid(flavour: ErrorFlavour, problem: RequestProblem, where: "params" | "body"): ApiError {
  const message = `Invalid request: ${problem.message}.`;
  if (flavour === "openstack") return new ApiError(400, message);
  // A malformed id inside the batch arrays has its own IMS code; every other schema problem is IMG.0001.
  const malformedId = where === "body" ? /^body\/(images|projects)\/\d+$/.exec(problem.field) : null;
  const code =
    malformedId?.[1] === "images"
      ? ImsCode.badImageId
      : malformedId?.[1] === "projects"
        ? ImsCode.badProjectId
        : ImsCode.badRequest;
  return new ApiError(400, message, code);
}

function noBody(flavour: ErrorFlavour): ApiError {
  return flavour === "ims"
    ? new ApiError(400, "The request body is empty; send a JSON object.", ImsCode.noBody)
    : new ApiError(400, "Body expected in request.");
}

function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  message: string,
  imsCode?: ImsCode,
): FastifyReply {
  const flavour = flavourOf(request.url ?? "/");
  const header = requestIdHeader(flavour);
  if (!reply.hasHeader(header)) reply.header(header, requestId(flavour));
  return reply
    .code(status)
    .type("application/json")
    .send(errorBody(flavour, status, message, imsCode));
}

function requestIdHeader(flavour: ErrorFlavour): string {
  return flavour === "ims" ? "X-Request-Id" : "X-Openstack-Request-Id";
}

function requestId(flavour: ErrorFlavour): string {
  return flavour === "ims" ? randomUUID().replaceAll("-", "") : `req-${randomUUID()}`;
}

function knownPaths(operations: SpecOperation[]): { pattern: RegExp; allow: string[] }[] {
  const fromSpec = new Map<string, string[]>();
  for (const op of operations) fromSpec.set(op.path, op.allow);
  return [
    ...[...fromSpec].map(([path, allow]) => ({ path, allow })),
    ...openstackPaths.map((path) => ({ path, allow: ["GET"] })),
  ].map(({ path, allow }) => ({
    pattern: new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+")}$`),
    allow,
  }));
}
