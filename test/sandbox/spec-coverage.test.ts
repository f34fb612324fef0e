// The sandbox follows the contract's list of operations and statuses, and its tests reach all of them.
import { describe, expect, it } from "vitest";
import type { BatchSharing } from "../../src/sandbox/batch.ts";
import { buildApp } from "../../src/sandbox/http/app.ts";
import type { MemberRules } from "../../src/sandbox/members.ts";
import { Catalog, defaultSeedPath, loadSeedFile } from "../../src/sandbox/seed.ts";
import { loadContract } from "../../src/sandbox/spec.ts";
import { loadSpec, operations } from "../../src/spec/openapi.ts";
import { spec } from "./helpers.ts";
import { batchCases, memberCases, unreachable } from "./http-cases.ts";

const cases = [...memberCases, ...batchCases];

describe("the HTTP cases", () => {
  const declared = operations(spec).flatMap(({ op }) =>
    Object.keys(op.responses).map((status) => ({ operationId: op.operationId, status })),
  );

  it.each(declared.map((d) => [`${d.operationId} ${d.status}`, d] as const))(
    "reach %s, or say why it cannot be reached",
    (_title, { operationId, status }) => {
      const covered = cases.some((c) => c.operationId === operationId && String(c.status) === status);
      const excusedHere = unreachable[`${operationId}:${status}`];
      expect(covered || excusedHere !== undefined || unreachable[`*:${status}`] !== undefined).toBe(true);
      // An excuse for one operation must not hide a case that exists after all.
      if (excusedHere !== undefined) expect(covered).toBe(false);
    },
  );

  it("only use operations the spec has", () => {
    const known = new Set(operations(spec).map(({ op }) => op.operationId));
    expect(cases.filter((c) => !known.has(c.operationId))).toEqual([]);
  });
});

describe("the routes", () => {
  it("come from the spec: an operation the sandbox does not implement stops the start", () => {
    const doc = loadSpec();
    const item = doc.paths["/v1/cloudimages/members"] as Record<string, unknown>;
    item.delete = { operationId: "batchDeleteImageMembers", responses: { "200": { description: "ok" } } };
    const deps = {
      catalog: new Catalog(loadSeedFile(defaultSeedPath)),
      members: {} as MemberRules,
      batch: {} as BatchSharing,
      bodyLimit: 1024,
    };
    expect(() => buildApp({ ...deps, contract: loadContract(doc) })).toThrow(
      "the spec declares operation batchDeleteImageMembers, which the sandbox does not implement",
    );
  });

  it("answer with the Allow header the spec's methods give, with HEAD wherever GET is", async () => {
    const app = buildApp({
      catalog: new Catalog(loadSeedFile(defaultSeedPath)),
      members: {} as MemberRules,
      batch: {} as BatchSharing,
      bodyLimit: 1024,
      contract: loadContract(),
    });
    const allow = async (url: string) => (await app.inject({ method: "PATCH", url })).headers.allow;
    expect(await allow("/v2/images/x/members")).toBe("GET, HEAD, POST");
    expect(await allow("/v2/images/x/members/y")).toBe("GET, HEAD, PUT, DELETE");
    expect(await allow("/v1/cloudimages/members")).toBe("POST");
    expect(await allow("/v1/p/jobs/j")).toBe("GET, HEAD");
    await app.close();
  });
});
