// The fuzz property: requests generated from the spec for every operation (valid, with mutated
// parts, with broken framing) sent over loopback to an in-process sandbox. Whatever comes in, the
// answer must be one the spec allows: no 5xx, only declared statuses, every body in its declared
// schema (errors in their route family's shape, within the spec's length limits), declared headers
// present. To replay a failure, run that one test (vitest -t) with FC_SEED and FC_PATH set to what
// fast-check printed.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../../src/sandbox/server.ts";
import { describeOperations } from "../../../src/spec/model.ts";
import { schemaValidator } from "../../../src/spec/openapi.ts";
import { call, image, project, sandboxForFile, spec, token, unknownProject } from "../helpers.ts";
import { specOracle } from "./oracle.ts";
import { exchange } from "./raw-http.ts";
import { replayOptions } from "./replay.ts";
import { type Mutations, requestArbitrary, requestBytes, sentTarget } from "./requests.ts";
import { schemaArbitraries } from "./spec-arbitraries.ts";

let sandbox: Sandbox;
const jobIds: string[] = [];
beforeAll(async () => {
  // No 503 from a full job queue: the fuzz test wants to see every other answer.
  sandbox = await sandboxForFile({ maxQueuedJobs: 100_000 });
  // A few real jobs, so showJob requests can reach one.
  for (const [who, images] of [
    [token.owner, [image.shared, image.privateOne]],
    [token.stranger, [image.strangers]],
  ] as const) {
    const reply = await call(sandbox.url, "POST", "/v1/cloudimages/members", {
      token: who,
      json: { images, projects: [project.member, unknownProject(1)] },
    });
    expect(reply.status, reply.text).toBe(200);
    jobIds.push(reply.body.job_id);
  }
});

const validator = schemaValidator(spec);
const oracle = specOracle(spec, validator);

/** Sends each generated request and requires an answer the spec allows. */
async function fuzz(mutations: Mutations, numRuns: number): Promise<void> {
  const values = schemaArbitraries(spec, validator, {
    "#/components/schemas/ImageId": [...Object.values(image), "00000000-0000-4000-8000-000000000000"],
    "#/components/schemas/ProjectId": [...Object.values(project), unknownProject(2)],
    "#/components/schemas/JobId": jobIds,
  });
  const requests = requestArbitrary(describeOperations(spec), values, { tokens: Object.values(token) }, mutations);
  const { hostname, port } = new URL(sandbox.url);
  await fc.assert(
    fc.asyncProperty(requests, async (request) => {
      const bytes = requestBytes(request, `${hostname}:${port}`);
      const reply = await exchange(hostname, Number(port), bytes, { head: request.method === "HEAD" });
      const malformed = request.framing !== undefined;
      expect(oracle.problems(request.method, sentTarget(request), reply, malformed)).toEqual([]);
    }),
    replayOptions(numRuns),
  );
}

describe("the sandbox under generated requests answers as the spec allows", () => {
  it("to valid and mutated parameters, tokens, queries and bodies", async () => {
    await fuzz({ methods: false, paths: false, framing: false }, 1000);
  }, 120_000);

  it("to other methods and reshaped paths", async () => {
    await fuzz({ methods: true, paths: true, framing: false }, 1000);
  }, 120_000);

  it("to requests with broken HTTP framing", async () => {
    await fuzz({ methods: true, paths: true, framing: true }, 500);
  }, 120_000);
});
