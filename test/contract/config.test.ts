// The config file: the documented examples are valid, every problem is reported with the field it
// concerns, and the CLI exits with 2 on a config it cannot use.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, test } from "vitest";
import { parse as parseYaml } from "yaml";
import { checkNames, responseChecks } from "../../src/contract/checks/registry.ts";
import { main } from "../../src/contract/cli.ts";
import { ConfigError, configSchemaPath, loadConfigFile, parseConfig } from "../../src/contract/config.ts";
import { loadSpec } from "../../src/spec/openapi.ts";

const examples = resolve(import.meta.dirname, "..", "..", "src", "contract", "examples");
const sandboxExample = parseYaml(readFileSync(join(examples, "sandbox.yaml"), "utf8")) as Record<string, unknown>;

function problemsOf(raw: unknown, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    parseConfig(raw, "test", {}, env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

/** The sandbox example with one change applied. */
function variant(change: (config: Record<string, any>) => void): Record<string, unknown> {
  const copy = structuredClone(sandboxExample);
  change(copy);
  return copy;
}

describe("the example configs", () => {
  test("sandbox.yaml covers all seven operations with every check and cleans up", () => {
    const config = loadConfigFile(join(examples, "sandbox.yaml"));
    expect(config.profile).toBe("ims");
    expect(config.checks).toEqual([...checkNames]);
    expect(config.destructive).toBe(true);
    expect(config.actors.owner.headers).toEqual({ "X-Auth-Token": "owner-token" });
  });

  test("glance.yaml uses the openstack profile and Glance's identity headers", () => {
    const config = loadConfigFile(join(examples, "glance.yaml"));
    expect(config.profile).toBe("openstack");
    expect(config.actors.owner.headers).toMatchObject({
      "X-Identity-Status": "Confirmed",
      "X-Project-Id": config.actors.owner.project,
    });
    expect(config.actors.bogus.headers["X-Identity-Status"]).not.toBe("Confirmed");
  });

  test("prism.yaml selects the response checks only", () => {
    expect(loadConfigFile(join(examples, "prism.yaml")).checks).toEqual([...responseChecks]);
  });

  test("the schema's id patterns are the spec's", () => {
    const schema = JSON.parse(readFileSync(configSchemaPath, "utf8")) as { $defs: Record<string, { pattern: string }> };
    const spec = loadSpec().components.schemas as Record<string, { pattern: string }>;
    expect(schema.$defs.projectId?.pattern).toBe(spec.ProjectId?.pattern);
    expect(schema.$defs.imageId?.pattern).toBe(spec.ImageId?.pattern);
  });
});

describe("defaults and substitutions", () => {
  test("omitted settings take their documented defaults", () => {
    const config = parseConfig(
      variant((c) => {
        delete c.profile;
        delete c.timeouts;
        delete c.destructive;
        delete c.negative;
        delete c.actors.bogus;
      }),
      "test",
    );
    expect(config).toMatchObject({
      profile: "ims",
      destructive: true,
      timeouts: { requestMs: 10000, jobMs: 300000, jobPollMs: 1000 },
      negative: { skip: [] },
    });
    expect(config.actors.bogus.headers["X-Auth-Token"]).toMatch(/^invalid-/);
  });

  test("${NAME} in a header value is taken from the environment", () => {
    const config = parseConfig(
      variant((c) => (c.actors.owner.headers["X-Auth-Token"] = "${OWNER_TOKEN}")),
      "test",
      {},
      { OWNER_TOKEN: "from-the-environment" },
    );
    expect(config.actors.owner.headers["X-Auth-Token"]).toBe("from-the-environment");
  });

  test("--base-url and --checks override the file; a trailing slash is dropped", () => {
    const config = parseConfig(sandboxExample, "test", {
      baseUrl: "http://127.0.0.1:1234/",
      checks: ["schema", "authentication"],
    });
    expect(config.baseUrl).toBe("http://127.0.0.1:1234");
    expect(config.checks).toEqual([...responseChecks, "authentication"]);
  });
});

describe("a bad config names the field", () => {
  test.each([
    ["a missing field", variant((c) => delete c.actors.owner.project), "actors.owner.project: is required"],
    ["an unknown field", variant((c) => (c.actors.owner.token = "x")), "actors.owner.token: is not allowed"],
    ["an unknown profile", variant((c) => (c.profile = "nova")), 'profile: must be one of "ims", "openstack"'],
    [
      "a malformed image id",
      variant((c) => (c.fixtures.shareableImages = ["not-a-uuid"])),
      "fixtures.shareableImages[0]: must match pattern",
    ],
    [
      "an upper-case project id",
      variant((c) => (c.actors.member.project = "EDC89B490D7D4392898E19B2DEB34797")),
      "actors.member.project: must match pattern",
    ],
    ["a base URL that is not http", variant((c) => (c.baseUrl = "ftp://example.org")), "baseUrl: must match pattern"],
    ["an unknown check", variant((c) => (c.checks = ["speed"])), "checks[0]: must be one of"],
    [
      "a private image that is also shareable",
      variant((c) => (c.fixtures.privateImages = [c.fixtures.shareableImages[0]])),
      "fixtures.privateImages[0]: must not also be a shareable or the public image",
    ],
    [
      "a deviation without its rule",
      variant((c) => (c.expectedDeviations = [{ operation: "showJob", check: "stateful_flows" }])),
      "expectedDeviations",
    ],
    ["a too-short timeout", variant((c) => (c.timeouts.requestMs = 5)), "timeouts.requestMs: must be >= 100"],
    [
      "no credentials",
      variant((c) => (c.actors.stranger.headers = {})),
      "actors.stranger.headers: must NOT have fewer than 1 properties",
    ],
    [
      "a header name with a space",
      variant((c) => (c.actors.owner.headers = { "X Auth": "t" })),
      'actors.owner.headers: has an invalid name "X Auth"',
    ],
    [
      "two actors in one project",
      variant((c) => (c.actors.member.project = c.actors.owner.project)),
      "actors.member.project: must differ from actors.owner.project",
    ],
    [
      "an actor among the other projects",
      variant((c) => (c.fixtures.otherProjects = [c.actors.stranger.project])),
      "fixtures.otherProjects[0]:",
    ],
    [
      "an unset environment variable",
      variant((c) => (c.actors.owner.headers["X-Auth-Token"] = "${NO_SUCH_VARIABLE}")),
      "actors.owner.headers.X-Auth-Token: environment variable NO_SUCH_VARIABLE is not set",
    ],
  ])("%s", (_, raw, message) => {
    expect(problemsOf(raw).some((p) => p.startsWith(message))).toBe(true);
  });

  test("every problem is reported at once", () => {
    const problems = problemsOf(
      variant((c) => {
        c.profile = "nova";
        delete c.fixtures;
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining(['profile: must be one of "ims", "openstack"', "fixtures: is required"]),
    );
  });
});

describe("the CLI on a bad config", () => {
  const dir = mkdtempSync(join(tmpdir(), "ims-contract-config-"));

  async function run(args: string[]): Promise<{ code: number; output: string }> {
    const lines: string[] = [];
    const code = await main(args, (line) => lines.push(line));
    return { code, output: lines.join("\n") };
  }

  test("exits 2 and prints the field for a schema problem", async () => {
    const file = join(dir, "bad.yaml");
    writeFileSync(file, readFileSync(join(examples, "sandbox.yaml"), "utf8").replace("profile: ims", "profile: nova"));
    const { code, output } = await run(["--config", file]);
    expect(code).toBe(2);
    expect(output).toContain(`invalid config ${file}`);
    expect(output).toContain('profile: must be one of "ims", "openstack"');
  });

  test("exits 2 for YAML that does not parse, and for a file that does not exist", async () => {
    const file = join(dir, "broken.yaml");
    writeFileSync(file, "baseUrl: [unclosed\n");
    expect(await run(["--config", file])).toMatchObject({ code: 2, output: expect.stringContaining("not valid YAML") });
    expect(await run(["--config", join(dir, "missing.yaml")])).toMatchObject({
      code: 2,
      output: expect.stringContaining("cannot read the file"),
    });
  });

  test("reads JSON as well", async () => {
    const file = join(dir, "bad.json");
    writeFileSync(file, JSON.stringify(variant((c) => delete c.baseUrl)));
    const { code, output } = await run(["--config", file]);
    expect(code).toBe(2);
    expect(output).toContain("baseUrl: is required");
  });

  test("exits 2 without --config", async () => {
    expect((await run([])).code).toBe(2);
  });
});

describe("known deviations", () => {
  test("a file named in the config is read relative to the config; --expect replaces it", () => {
    const dir = mkdtempSync(join(tmpdir(), "ims-contract-expect-"));
    const raw = parseYaml(readFileSync(join(examples, "sandbox.yaml"), "utf8")) as Record<string, unknown>;
    writeFileSync(join(dir, "known.yaml"), "- { operation: showJob, check: stateful_flows, rule: flows.x }\n");
    writeFileSync(join(dir, "other.yaml"), "[]\n");
    writeFileSync(
      join(dir, "config.yaml"),
      JSON.stringify({ ...raw, $schema: undefined, expectedDeviations: "known.yaml" }),
    );
    expect(loadConfigFile(join(dir, "config.yaml")).expectedDeviations).toEqual([
      { operation: "showJob", check: "stateful_flows", rule: "flows.x" },
    ]);
    expect(loadConfigFile(join(dir, "config.yaml"), { expect: join(dir, "other.yaml") }).expectedDeviations).toEqual(
      [],
    );
    expect(() => loadConfigFile(join(dir, "config.yaml"), { expect: join(dir, "missing.yaml") })).toThrow(
      /expectedDeviations: cannot read/,
    );
  });
});
