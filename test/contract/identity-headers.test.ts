// Actors identified by OpenStack identity headers instead of a token: the Glance example config,
// run against the sandbox behind a proxy that does what Glance's ContextMiddleware does (trust
// X-Project-Id when X-Identity-Status is "Confirmed", refuse everything else with 401).
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { type ContractConfig, loadConfigFile } from "../../src/contract/config.ts";
import { type RunResult, runContract } from "../../src/contract/run.ts";
import { type Sandbox, startSandbox } from "../../src/sandbox/server.ts";
import { faultRunTimeouts, sandboxDeviations } from "./faults/harness.ts";
import { type ProxiedRequest, type RunningProxy, startFaultProxy } from "./faults/proxy.ts";

// A full run takes 8-25 s here when other test files share the two cores; some tests make two.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const glance = loadConfigFile(resolve(import.meta.dirname, "..", "..", "src", "contract", "examples", "glance.yaml"));
const projects = [
  glance.actors.owner.project,
  glance.actors.member.project,
  glance.actors.stranger.project,
  ...glance.fixtures.otherProjects,
];
const tokenOf = (project: string) => `token-${project}`;

let sandbox: Sandbox;
let gateway: RunningProxy;
const seen: ProxiedRequest[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({
    port: 0,
    quiet: true,
    seed: {
      projects: projects.map((id, i) => ({ id, name: `project-${i}`, token: tokenOf(id) })),
      images: [
        ...glance.fixtures.shareableImages.map((id, i) => ({
          id,
          name: `shared-${i}`,
          owner: glance.actors.owner.project,
          visibility: "shared" as const,
        })),
        ...glance.fixtures.privateImages.map((id, i) => ({
          id,
          name: `private-${i}`,
          owner: glance.actors.owner.project,
          visibility: "private" as const,
        })),
        ...(glance.fixtures.publicImage
          ? [
              {
                id: glance.fixtures.publicImage,
                name: "public",
                owner: glance.actors.owner.project,
                visibility: "public" as const,
              },
            ]
          : []),
      ],
    },
  });
  gateway = await startFaultProxy(sandbox.url, {
    request: (req) => {
      seen.push(req);
      const {
        "x-identity-status": status,
        "x-project-id": project,
        "x-auth-token": _ignored,
        ...headers
      } = req.headers;
      const known = status === "Confirmed" && project !== undefined && projects.includes(project);
      return { ...req, headers: known ? { ...headers, "x-auth-token": tokenOf(project) } : headers };
    },
  });
});
afterAll(async () => {
  await gateway?.close();
  await sandbox?.close();
});

describe("the Glance example config against an identity-header gateway", () => {
  let result: RunResult;
  beforeAll(async () => {
    const config: ContractConfig = {
      ...glance,
      baseUrl: gateway.url,
      timeouts: faultRunTimeouts,
    };
    result = await runContract(config);
  });

  test("passes every check on the five /v2 operations, but for the sandbox's own known deviations", () => {
    const known = new Set(sandboxDeviations.map((d) => `${d.operation} ${d.check} ${d.rule}`));
    expect(
      result.cells
        .flatMap((c) => c.failures)
        .filter((f) => !known.has(`${f.operation} ${f.check} ${f.rule}`))
        .map((f) => `${f.operation} › ${f.check}: ${f.reason}`),
    ).toEqual([]);
    expect(result.cells.filter((c) => c.status === "inconclusive")).toEqual([]);
    expect(result.operations).toHaveLength(5);
  });

  test("sends each actor's identity headers and no token", () => {
    expect(
      seen.some(
        (r) => r.headers["x-project-id"] === glance.actors.member.project && r.headers["x-roles"] === "member,reader",
      ),
    ).toBe(true);
    expect(seen.filter((r) => "x-auth-token" in r.headers)).toEqual([]);
  });

  test("the bogus actor's X-Identity-Status: Invalid is what the authentication check sends", () => {
    const bogus = seen.filter((r) => r.headers["x-identity-status"] === "Invalid");
    expect(bogus).toHaveLength(5);
    expect(result.cells.filter((c) => c.check === "authentication").every((c) => c.status === "passed")).toBe(true);
  });
});
