// Reads Stryker's JSON report(s) of `npm run mutation` and prints the totals per status and every
// mutant the contract suite did not detect (survived or not covered), by file, line and mutator, with
// the code it replaced, so each can be classified. With `--classes FILE` it gives each survivor the
// class of the first rule that matches it (see scripts/mutation-classes.yaml), counts those left
// unclassified as missed, and prints the share of detected mutants among those that break a stated
// rule: detected / (detected + missed), equivalent and uncontracted mutants left out.
import { readFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { schema } from "@stryker-mutator/api/core";
import { Command, CommanderError } from "commander";
import { parse as parseYaml } from "yaml";

export const defaultReport = resolve(import.meta.dirname, "..", "reports", "mutation", "mutation.json");

/** Why a mutant the suite let through does not count against it, or `missed` when it should have. */
export const survivorClasses = ["equivalent", "outside-contract", "open-in-spec", "missed"] as const;
type SurvivorClass = (typeof survivorClasses)[number];

/** A rule matches a survivor when every field it gives matches; `original` is a regular expression. */
interface Classification {
  file?: string;
  /** One line or several. */
  line?: number | number[];
  column?: number;
  mutator?: string;
  original?: string;
  replacement?: string;
  class: SurvivorClass;
  reason: string;
}

export interface Survivor {
  file: string;
  line: number;
  column: number;
  mutator: string;
  status: string;
  original: string;
  replacement: string;
}

const detected = new Set<string>(["Killed", "Timeout"]);
const undetected = new Set<string>(["Survived", "NoCoverage"]);

function excerpt(source: string, location: schema.Location): string {
  const lines = source.split("\n");
  const { start, end } = location;
  const text =
    start.line === end.line
      ? (lines[start.line - 1] ?? "").slice(start.column - 1, end.column - 1)
      : `${(lines[start.line - 1] ?? "").slice(start.column - 1)} …`;
  return oneLine(text);
}

const oneLine = (text: string, max = 70) => {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/** Markdown code span that survives backticks (template literals) and table pipes in the code. */
const codeSpan = (code: string) => `\`\` ${code.replaceAll("|", "\\|")} \`\``;

export function readSurvivors(report: schema.MutationTestResult): {
  totals: Map<string, number>;
  survivors: Survivor[];
} {
  const totals = new Map<string, number>();
  const survivors: Survivor[] = [];
  for (const [path, file] of Object.entries(report.files)) {
    for (const mutant of file.mutants) {
      totals.set(mutant.status, (totals.get(mutant.status) ?? 0) + 1);
      if (!undetected.has(mutant.status)) continue;
      survivors.push({
        file: relative(process.cwd(), resolve(path)),
        line: mutant.location.start.line,
        column: mutant.location.start.column,
        mutator: mutant.mutatorName,
        status: mutant.status,
        original: excerpt(file.source, mutant.location),
        replacement: oneLine(mutant.replacement ?? ""),
      });
    }
  }
  survivors.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
  return { totals, survivors };
}

function loadClasses(path: string): Classification[] {
  const raw = parseYaml(readFileSync(path, "utf8")) as Classification[];
  for (const [i, c] of raw.entries())
    if (!survivorClasses.includes(c.class)) throw new Error(`${path}[${i}]: unknown class ${String(c.class)}`);
  return raw;
}

export async function main(argv: string[]): Promise<number> {
  const program = new Command("mutation-survivors")
    .description("List the mutants the contract suite let through, from Stryker's JSON report(s).")
    .argument("[reports...]", "mutation.json files (several: one run per subset)", [defaultReport])
    .option("--classes <file>", "YAML classification of the survivors")
    .exitOverride();
  try {
    program.parse(argv, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    throw error;
  }
  const opts = program.opts<{ classes?: string }>();
  const totals = new Map<string, number>();
  const survivors: Survivor[] = [];
  for (const path of program.processedArgs[0] as string[]) {
    const read = readSurvivors(JSON.parse(readFileSync(path, "utf8")) as schema.MutationTestResult);
    for (const [status, n] of read.totals) totals.set(status, (totals.get(status) ?? 0) + n);
    survivors.push(...read.survivors);
  }
  const all = [...totals.values()].reduce((a, b) => a + b, 0);
  const count = (statuses: Set<string>) => [...totals].reduce((n, [s, k]) => n + (statuses.has(s) ? k : 0), 0);
  const caught = count(detected);
  console.log(`mutants: ${all}; ${[...totals].map(([s, n]) => `${s} ${n}`).join(", ")}`);
  console.log(`detected (killed + timeout): ${caught} = ${((100 * caught) / all).toFixed(1)} % of all\n`);

  const classes = opts.classes ? loadClasses(opts.classes) : [];
  const classOf = (s: Survivor) =>
    classes.find(
      (c) =>
        (c.file === undefined || c.file === s.file) &&
        (c.line === undefined || [c.line].flat().includes(s.line)) &&
        (c.column === undefined || c.column === s.column) &&
        (c.mutator === undefined || c.mutator === s.mutator) &&
        (c.original === undefined || new RegExp(c.original).test(s.original)) &&
        (c.replacement === undefined || c.replacement === s.replacement),
    );
  console.log("| file:line:col | mutator | status | original → replacement | class | reason |");
  console.log("| --- | --- | --- | --- | --- | --- |");
  for (const s of survivors) {
    const c = classOf(s);
    const code = `${codeSpan(s.original)} → ${codeSpan(s.replacement)}`;
    console.log(
      `| ${s.file}:${s.line}:${s.column} | ${s.mutator} | ${s.status} | ${code} | ${c?.class ?? "?"} | ${c?.reason ?? ""} |`,
    );
  }
  if (!opts.classes) return 0;

  const byClass = new Map<string, number>();
  // The README's table: one row per class, file and reason, with the lines it covers.
  const groups = new Map<string, { lines: Set<number>; count: number }>();
  for (const s of survivors) {
    const c = classOf(s);
    const name = c?.class ?? "unclassified";
    byClass.set(name, (byClass.get(name) ?? 0) + 1);
    const key = [name, s.file, c?.reason ?? ""].join("\t");
    const group = groups.get(key) ?? { lines: new Set<number>(), count: 0 };
    group.lines.add(s.line);
    group.count++;
    groups.set(key, group);
  }
  console.log("\n| class | file | lines | mutants | reason |\n| --- | --- | --- | --- | --- |");
  const order = [...survivorClasses, "unclassified"];
  for (const [key, group] of [...groups].sort(
    ([a], [b]) => order.indexOf(a.split("\t")[0] ?? "") - order.indexOf(b.split("\t")[0] ?? ""),
  )) {
    const [name, file, reason] = key.split("\t");
    console.log(`| ${name} | ${file} | ${[...group.lines].join(", ")} | ${group.count} | ${reason} |`);
  }
  console.log(`\nsurvivors by class: ${[...byClass].map(([c, n]) => `${c} ${n}`).join(", ")}`);
  const unclassified = byClass.get("unclassified") ?? 0;
  // Unclassified survivors count as missed until someone says otherwise.
  const missed = (byClass.get("missed") ?? 0) + unclassified;
  console.log(
    `detected among mutants that break a stated rule: ${caught} / ${caught + missed} = ${((100 * caught) / (caught + missed)).toFixed(1)} %`,
  );
  return unclassified === 0 ? 0 : 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) process.exitCode = await main(process.argv.slice(2));
