// Reads a contract-suite config (YAML or JSON), checks it against config.schema.json and turns
// every problem into one line that names the field.
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { createAjv, dottedPath, formatErrors, type ValidateFunction } from "../spec/ajv.ts";
import { type CheckName, checkNames, checkPresets } from "./checks/registry.ts";
import configSchema from "./config.schema.json" with { type: "json" };
import type { Profile } from "./contract.ts";
import { type Deviation, readDeviationFile } from "./deviations.ts";

export const configSchemaPath = resolve(import.meta.dirname, "config.schema.json");

export interface Actor {
  project: string;
  headers: Record<string, string>;
}

export interface ContractConfig {
  baseUrl: string;
  profile: Profile;
  headers: Record<string, string>;
  actors: { owner: Actor; member: Actor; stranger: Actor; bogus: { headers: Record<string, string> } };
  fixtures: {
    shareableImages: string[];
    privateImages: string[];
    publicImage: string | undefined;
    otherProjects: string[];
  };
  timeouts: { requestMs: number; jobMs: number; jobPollMs: number };
  destructive: boolean;
  limits: { members: number; bodyBytes: number };
  negative: { skip: string[] };
  checks: CheckName[];
  /** Known deviations; when set, the run passes when exactly these fail. */
  expectedDeviations: Deviation[] | undefined;
}

/** A config that cannot be used; `problems` holds one line per field. */
export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`invalid config ${source}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

export interface ConfigOverrides {
  baseUrl?: string;
  checks?: string[];
  /** File of known deviations (`--expect`), replacing the config's `expectedDeviations`. */
  expect?: string;
}

export function loadConfigFile(
  path: string,
  overrides: ConfigOverrides = {},
  env: Readonly<Record<string, string | undefined>> = process.env,
): ContractConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new ConfigError(path, [`cannot read the file: ${(err as Error).message}`]);
  }
  let raw: unknown;
  try {
    raw = /\.json$/i.test(path) ? JSON.parse(text) : parseYaml(text, { prettyErrors: true });
  } catch (err) {
    throw new ConfigError(path, [
      `not valid ${/\.json$/i.test(path) ? "JSON" : "YAML"}: ${(err as Error).message.split("\n")[0]}`,
    ]);
  }
  // A deviation file named in the config is read relative to it; `--expect` relative to the caller.
  const named =
    overrides.expect ??
    (raw !== null && typeof raw === "object" && typeof (raw as Record<string, unknown>).expectedDeviations === "string"
      ? resolve(dirname(path), (raw as { expectedDeviations: string }).expectedDeviations)
      : undefined);
  if (named !== undefined) {
    try {
      raw = { ...(raw as object), expectedDeviations: readDeviationFile(named) };
    } catch (err) {
      throw new ConfigError(path, [
        `expectedDeviations: cannot read ${named}: ${(err as Error).message.split("\n")[0]}`,
      ]);
    }
  }
  const { expect: _read, ...rest } = overrides;
  return parseConfig(raw, path, rest, env);
}

let validate: ValidateFunction | undefined;

export function parseConfig(
  raw: unknown,
  source: string,
  overrides: ConfigOverrides = {},
  env: Readonly<Record<string, string | undefined>> = process.env,
): ContractConfig {
  const value = structuredClone(raw ?? {}) as Record<string, unknown>;
  if (typeof value !== "object" || Array.isArray(value)) throw new ConfigError(source, ["(root): must be an object"]);
  if (overrides.baseUrl !== undefined) value.baseUrl = overrides.baseUrl;
  if (overrides.checks !== undefined) value.checks = overrides.checks;

  if (!validate) {
    validate = createAjv({ allErrors: true, useDefaults: true }).compile(configSchema);
  }
  if (!validate(value)) throw new ConfigError(source, formatErrors(validate.errors ?? [], dottedPath));

  const config = value as unknown as Omit<ContractConfig, "checks" | "actors" | "headers" | "expectedDeviations"> & {
    expectedDeviations?: Deviation[] | string;
    checks?: string[];
    headers?: Record<string, string>;
    actors: Omit<ContractConfig["actors"], "bogus"> & { bogus?: { headers: Record<string, string> } };
  };
  const problems: string[] = [];
  const expand = (headers: Record<string, string>, field: string) =>
    Object.fromEntries(
      Object.entries(headers).map(([name, text]) => [
        name,
        text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, variable: string) => {
          const found = env[variable];
          if (found === undefined) problems.push(`${field}.${name}: environment variable ${variable} is not set`);
          return found ?? "";
        }),
      ]),
    );
  const actor = (name: "owner" | "member" | "stranger"): Actor => ({
    ...config.actors[name],
    headers: expand(config.actors[name].headers, `actors.${name}.headers`),
  });
  const owner = actor("owner");
  const actors = {
    owner,
    member: actor("member"),
    stranger: actor("stranger"),
    bogus: {
      headers: config.actors.bogus
        ? expand(config.actors.bogus.headers, "actors.bogus.headers")
        : forgeHeaders(owner.headers),
    },
  };

  const projects = [
    ["owner", actors.owner.project],
    ["member", actors.member.project],
    ["stranger", actors.stranger.project],
  ] as const;
  for (const [i, [a, pa]] of projects.entries()) {
    for (const [b, pb] of projects.slice(i + 1))
      if (pa === pb) problems.push(`actors.${b}.project: must differ from actors.${a}.project`);
  }
  config.fixtures.otherProjects.forEach((p, i) => {
    const clash = projects.find(([, project]) => project === p);
    if (clash)
      problems.push(
        `fixtures.otherProjects[${i}]: ${p} is the ${clash[0]}'s project; list projects that are not actors`,
      );
  });
  for (const [i, image] of config.fixtures.privateImages.entries())
    if (config.fixtures.shareableImages.includes(image) || image === config.fixtures.publicImage)
      problems.push(`fixtures.privateImages[${i}]: must not also be a shareable or the public image`);
  if (config.fixtures.publicImage && config.fixtures.shareableImages.includes(config.fixtures.publicImage)) {
    problems.push("fixtures.publicImage: must not also be one of fixtures.shareableImages");
  }
  const known = [...checkNames, ...Object.keys(checkPresets)];
  (config.checks ?? []).forEach((name, i) => {
    if (!known.includes(name)) problems.push(`checks[${i}]: must be one of ${known.join(", ")}`);
  });
  if (typeof config.expectedDeviations === "string")
    problems.push("expectedDeviations: a file name is only read by loadConfigFile; pass the list itself");
  if (problems.length > 0) throw new ConfigError(source, problems);

  const checks = new Set<CheckName>();
  for (const name of config.checks ?? ["all"])
    for (const check of checkPresets[name] ?? [name as CheckName]) checks.add(check);

  return {
    baseUrl: config.baseUrl.replace(/\/+$/, ""),
    profile: config.profile,
    headers: config.headers ? expand(config.headers, "headers") : {},
    actors,
    fixtures: {
      shareableImages: config.fixtures.shareableImages,
      privateImages: config.fixtures.privateImages,
      publicImage: config.fixtures.publicImage,
      otherProjects: config.fixtures.otherProjects,
    },
    timeouts: config.timeouts,
    destructive: config.destructive,
    limits: config.limits,
    negative: { skip: config.negative.skip },
    checks: checkNames.filter((c) => checks.has(c)),
    expectedDeviations: Array.isArray(config.expectedDeviations) ? config.expectedDeviations : undefined,
  };
}

/** The owner's header names with values no server can accept. */
function forgeHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(headers).map((name) => [name, `invalid-${name.toLowerCase()}-0000`]));
}
