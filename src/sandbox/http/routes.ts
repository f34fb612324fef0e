// The contract's operations as Fastify routes: the method, path and request schema come from the
// spec (src/sandbox/spec.ts); Fastify authenticates, parses and validates before a handler runs, so a
// handler only calls the domain and says which status to answer with.
import type { FastifyInstance, FastifyRequest, onRequestHookHandler, RouteOptions } from "fastify";
import type { BatchSharing } from "../batch.ts";
import type { MemberRules } from "../members.ts";
import type { RouteSpec } from "../spec.ts";
import type { AddImageMemberRequest, BatchAddImageMembersRequest, UpdateImageMemberRequest } from "../types.ts";
import { ignoreBody } from "./content-types.ts";

/** A request that passed its route's schema: its path parameters are there and well-formed. */
type Valid = FastifyRequest<{ Params: Record<string, string> }>;
interface Outcome {
  status: number;
  body?: unknown;
}
type Handler = (request: Valid) => Outcome;

const ok = (body: unknown): Outcome => ({ status: 200, body });
const param = (request: Valid, name: string) => request.params[name] as string;

function operationHandlers(members: MemberRules, batch: BatchSharing): Record<string, Handler> {
  return {
    addImageMember: (r) => ok(members.add(r.caller, param(r, "image_id"), (r.body as AddImageMemberRequest).member)),
    listImageMembers: (r) => ok(members.list(r.caller, param(r, "image_id"))),
    showImageMember: (r) => ok(members.show(r.caller, param(r, "image_id"), param(r, "member_id"))),
    updateImageMember: (r) =>
      ok(
        members.update(
          r.caller,
          param(r, "image_id"),
          param(r, "member_id"),
          (r.body as UpdateImageMemberRequest).status,
        ),
      ),
    removeImageMember: (r) => {
      members.remove(r.caller, param(r, "image_id"), param(r, "member_id"));
      return { status: 204 };
    },
    batchAddImageMembers: (r) => ok(batch.submit(r.caller, r.body as BatchAddImageMembersRequest)),
    showJob: (r) => ok(batch.show(r.caller, param(r, "project_id"), param(r, "job_id"))),
  };
}

/** Registers one route per operation of the spec; an operation without a handler stops the start. */
export function registerOperations(
  app: FastifyInstance,
  operations: RouteSpec[],
  deps: { members: MemberRules; batch: BatchSharing; authenticate: onRequestHookHandler },
): void {
  const handlers = operationHandlers(deps.members, deps.batch);
  const routeFor = (op: RouteSpec): RouteOptions => {
    const handler = handlers[op.operationId];
    if (!handler)
      throw new Error(`the spec declares operation ${op.operationId}, which the sandbox does not implement`);
    return {
      method: op.method,
      url: op.route,
      schema: op.schema,
      config: { family: op.family },
      onRequest: deps.authenticate,
      ...(op.schema.body === undefined ? { preParsing: ignoreBody } : {}),
      handler(request, reply) {
        const outcome = handler(request as Valid);
        return reply.code(outcome.status).send(outcome.body);
      },
    };
  };
  // Every route is built before the first is added, so that a missing handler adds none.
  for (const route of operations.map(routeFor)) app.route(route);
}
