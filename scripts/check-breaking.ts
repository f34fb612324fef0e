// The breaking-change gate: compares the bundled spec with the last released one using
// api-smart-diff (direction-aware: a narrowed request enum breaks callers, a narrowed response enum
// does not) and checks that `info.version` went up by at least the step the changes need.
// Exit codes: 0 the version fits the changes, 1 it does not, 2 the input cannot be used.
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { allAnnotation, allBreaking, apiCompare, type CompareRules, type Diff, openapi3Rules } from "api-smart-diff";
import { Command, CommanderError } from "commander";

export const repoRoot = resolve(import.meta.dirname, "..");
export const releasedDir = join(repoRoot, "generated", "released");
export const currentSpecPath = join(repoRoot, "generated", "openapi.json");

export class GateInputError extends Error {
  override name = "GateInputError";
}

export type Bump = "major" | "minor" | "patch" | "none";
const bumpRank: Record<Bump, number> = { none: 0, patch: 1, minor: 2, major: 3 };

export interface Change {
  type: Diff["type"];
  action: Diff["action"];
  /** Where in the spec, as a dotted path. */
  where: string;
  description: string;
}

export interface Verdict {
  ok: boolean;
  from: string;
  to: string;
  /** The smallest version step these changes allow. */
  required: Bump;
  /** The step from the released version to the current one. */
  actual: Bump | "downgrade";
  changes: Change[];
}

interface Spec {
  info: { version: string };
}

type RuleTree = { [key: string]: RuleTree | unknown };

function ruleAt(rules: RuleTree, ...keys: string[]): RuleTree {
  let node: unknown = rules;
  for (const key of keys) node = (node as RuleTree)[key];
  if (typeof node !== "object" || node === null)
    throw new Error(`api-smart-diff's OpenAPI rules changed shape: nothing at ${keys.join("")}`);
  return node as RuleTree;
}

// Adjustments to api-smart-diff's OpenAPI rules. operationId counts as breaking: the generated
// types, the links and the docs all name operations by it. Tag texts and named examples are
// documentation; the library classifies the nodes but not what is inside them ("unclassified").
function gateRules(): CompareRules {
  const rules = openapi3Rules() as RuleTree;
  const operation = ruleAt(rules, "/paths", "/*", "/*");
  operation["/operationId"] = { $: allBreaking };
  const documentation = { $: allAnnotation, "/**": { $: allAnnotation } };
  rules["/tags"] = documentation;
  // Request bodies and responses share one media-type rule object.
  ruleAt(operation, "/requestBody", "/content", "/*")["/examples"] = documentation;
  return rules as CompareRules;
}

/**
 * What changed that a client can notice. Schemas, parameters and responses under `components` are
 * compared where the operations use them (api-smart-diff resolves the $refs, and knows there whether
 * a schema is read or written); listing the component itself again would lose that direction.
 */
export function classifyChanges(released: unknown, current: unknown): Change[] {
  // apiCompare rewrites parts of the documents it is given (it merges $ref siblings), so it gets copies.
  const { diffs } = apiCompare(structuredClone(released), structuredClone(current), { rules: gateRules() });
  return diffs
    .filter((d) => d.path[0] !== "components" || d.path[1] === "securitySchemes")
    .map((d) => ({ type: d.type, action: d.action, where: d.path.join("."), description: d.description ?? "" }));
}

/** Breaking (and unclassified, to be safe) changes need a major step; additions a minor one. */
export function requiredBump(changes: Change[]): Bump {
  const levels: Bump[] = changes.map((c) =>
    c.type === "breaking" || c.type === "unclassified"
      ? "major"
      : c.type === "non-breaking" || c.type === "deprecated"
        ? "minor"
        : "none",
  );
  return levels.reduce<Bump>((max, level) => (bumpRank[level] > bumpRank[max] ? level : max), "none");
}

function parseVersion(version: string): [number, number, number] {
  const match = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/.exec(version);
  if (!match) throw new GateInputError(`info.version must be MAJOR.MINOR.PATCH, got ${JSON.stringify(version)}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

export function versionBump(from: string, to: string): Bump | "downgrade" {
  const [a, b] = [parseVersion(from), parseVersion(to)];
  for (const [i, step] of (["major", "minor", "patch"] as const).entries()) {
    if ((b[i] ?? 0) > (a[i] ?? 0)) return step;
    if ((b[i] ?? 0) < (a[i] ?? 0)) return "downgrade";
  }
  return "none";
}

export function checkRelease(released: Spec, current: Spec): Verdict {
  const changes = classifyChanges(released, current);
  const required = requiredBump(changes);
  const actual = versionBump(released.info.version, current.info.version);
  const ok = actual !== "downgrade" && bumpRank[actual] >= bumpRank[required];
  return { ok, from: released.info.version, to: current.info.version, required, actual, changes };
}

/** The released specs, `openapi-<version>.json`, newest version last. */
export function releasedVersions(dir = releasedDir): { version: string; path: string }[] {
  const found = readdirSync(dir)
    .map((file) => ({ file, match: /^openapi-(\d+\.\d+\.\d+)\.json$/.exec(file) }))
    .filter((f) => f.match?.[1] !== undefined)
    .map((f) => ({ version: f.match?.[1] as string, path: join(dir, f.file) }));
  const key = (v: string) => parseVersion(v).reduce((sum, n) => sum * 1_000_000 + n, 0);
  return found.sort((x, y) => key(x.version) - key(y.version));
}

export function readSpec(path: string): Spec {
  let spec: unknown;
  try {
    spec = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new GateInputError(`cannot read ${path}: ${(error as Error).message}`);
  }
  const version = (spec as Spec | null)?.info?.version;
  if (typeof version !== "string") throw new GateInputError(`${path} has no info.version`);
  return spec as Spec;
}

export function renderVerdict(verdict: Verdict, verbose: boolean): string[] {
  const lines = [`released ${verdict.from} -> current ${verdict.to}`];
  const order: Change["type"][] = ["breaking", "unclassified", "deprecated", "non-breaking", "annotation"];
  for (const type of order) {
    const group = verdict.changes.filter((c) => c.type === type);
    if (group.length === 0) continue;
    lines.push(`${type} (${group.length}):`);
    if (type === "annotation" && !verbose) continue;
    for (const change of group)
      lines.push(`  ${change.action} ${change.where}${change.description ? `: ${change.description}` : ""}`);
  }
  lines.push(
    verdict.ok
      ? `ok: the changes need a ${verdict.required} step, and the version took a ${verdict.actual} step`
      : verdict.actual === "downgrade"
        ? `FAIL: the version went down from ${verdict.from} to ${verdict.to}`
        : `FAIL: the changes need a ${verdict.required} version step, but ${verdict.from} -> ${verdict.to} is ${verdict.actual === "none" ? "no step" : `a ${verdict.actual} step`}`,
  );
  return lines;
}

export async function main(
  argv: string[],
  out: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
): Promise<number> {
  const program = new Command()
    .name("check-breaking")
    .description("Classify the changes since the last released spec and check the version step they need.")
    .option("--released <file>", "released spec to compare with (default: the newest in generated/released/)")
    .option("--current <file>", "spec to check", currentSpecPath)
    .option("-v, --verbose", "also list annotation changes (descriptions, examples)")
    .exitOverride()
    .configureOutput({ writeOut: (s) => out(s.trimEnd()), writeErr: (s) => out(s.trimEnd()) });
  try {
    program.parse(argv, { from: "user" });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    throw err;
  }
  const options = program.opts<{ released?: string; current: string; verbose?: boolean }>();
  try {
    const releasedPath = options.released ?? releasedVersions().at(-1)?.path;
    if (!releasedPath) throw new GateInputError(`no released spec in ${releasedDir}`);
    const verdict = checkRelease(readSpec(releasedPath), readSpec(options.current));
    for (const line of renderVerdict(verdict, options.verbose ?? false)) out(line);
    return verdict.ok ? 0 : 1;
  } catch (err) {
    if (err instanceof GateInputError) {
      out(err.message);
      return 2;
    }
    throw err;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) process.exitCode = await main(process.argv.slice(2));
