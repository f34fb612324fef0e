// `npm start`: builds the spec and the docs site, then serves on 127.0.0.1 the docs (port 8000), the
// Prism mock (4010) and the stateful sandbox (9292) until Ctrl-C, which stops all three.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Command, InvalidArgumentError, Option } from "commander";
import { buildDocs, defaultOutDir, repoRoot } from "../src/docs/build.ts";
import { type RunningServer, startPrism, startSandboxProcess } from "./lib/processes.ts";
import { type StaticServer, serveStatic } from "./lib/static-server.ts";

const port = (value: string) => {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535)
    throw new InvalidArgumentError("expected a port from 0 to 65535 (0 picks a free one)");
  return n;
};

function parseOptions(argv: string[]) {
  const program = new Command("start")
    .description("Build the spec and the docs, then serve the docs site, the Prism mock and the sandbox until Ctrl-C.")
    .addOption(new Option("--host <address>", "address every server binds to").default("127.0.0.1").env("IMS_HOST"))
    .addOption(new Option("--docs-port <port>", "docs site port").default(8000).argParser(port).env("DOCS_PORT"))
    .addOption(new Option("--mock-port <port>", "Prism mock port").default(4010).argParser(port).env("MOCK_PORT"))
    .addOption(new Option("--sandbox-port <port>", "sandbox port").default(9292).argParser(port).env("SANDBOX_PORT"))
    .option(
      "--sandbox-db <file>",
      "keep the sandbox's data in this SQLite file (default: in memory, fresh from the default seed)",
    )
    .option(
      "--docs-dir <dir>",
      "serve this folder as the docs site",
      relative(process.cwd(), defaultOutDir) || defaultOutDir,
    )
    .option("--no-build", "skip the spec and docs builds and serve what was built before")
    .parse(argv, { from: "user" });

  return program.opts<{
    host: string;
    docsPort: number;
    mockPort: number;
    sandboxPort: number;
    sandboxDb?: string;
    docsDir: string;
    build: boolean;
  }>();
}

let docs: StaticServer | undefined;
const children: RunningServer[] = [];
let stopping = false;

async function stopAll(code: number): Promise<never> {
  if (stopping) process.exit(code);
  stopping = true;
  await Promise.allSettled([docs?.close(), ...children.map((c) => c.stop())]);
  process.exit(code);
}

function prefixed(name: string, skip?: RegExp) {
  return (line: string) => {
    if (!stopping && !skip?.test(line)) console.log(`${name.padEnd(7)} │ ${line}`);
  };
}

async function build(docsDir: string): Promise<void> {
  console.log("Building the spec (npm run build)…");
  const code = await new Promise<number | null>((done) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(repoRoot, "scripts", "build.ts")], {
      cwd: repoRoot,
      stdio: "inherit",
    });
    child.on("exit", (exitCode) => done(exitCode));
  });
  if (code !== 0) throw new Error("the spec build failed (see above)");
  console.log("Building the docs site (npm run docs)…");
  const report = await buildDocs({ outDir: docsDir });
  console.log(`✓ docs built in ${(report.ms / 1000).toFixed(1)} s`);
}

async function serve(opts: ReturnType<typeof parseOptions>): Promise<void> {
  const docsDir = resolve(opts.docsDir);
  if (opts.build) await build(docsDir);
  else if (!existsSync(join(docsDir, "index.html")))
    throw new Error(`${docsDir} has no index.html: run without --no-build (or \`npm run docs\`) first`);

  const host = opts.host;
  // allSettled, not all: a server that did start must be stopped even when the other one failed.
  const started = await Promise.allSettled([
    // Prism's own start-up lines list every route; only its request log is shown.
    startPrism({ host, port: opts.mockPort, onLine: prefixed("mock", /\[CLI\]/) }),
    startSandboxProcess({
      host,
      port: opts.sandboxPort,
      args: ["--quiet", ...(opts.sandboxDb ? ["--db", opts.sandboxDb] : ["--memory"])],
      onLine: prefixed("sandbox"),
    }),
  ]);
  for (const result of started) if (result.status === "fulfilled") children.push(result.value);
  const failure = started.find((result): result is PromiseRejectedResult => result.status === "rejected");
  if (failure) throw failure.reason;
  const [mock, sandbox] = children as [RunningServer, RunningServer];
  for (const child of children) {
    child.child.once("exit", (code, signal) => {
      if (stopping) return;
      console.error(`a server exited unexpectedly (code ${code}, signal ${signal}); stopping the others`);
      void stopAll(1);
    });
  }
  docs = await serveStatic({
    root: docsDir,
    host,
    port: opts.docsPort,
    // The explorer on try/ sends its requests through these, same-origin.
    proxy: { "/try/mock": mock.url, "/try/sandbox": sandbox.url },
  }).catch((error: NodeJS.ErrnoException) => {
    throw new Error(
      error.code === "EADDRINUSE" ? `port ${opts.docsPort} is taken; pick another with --docs-port` : error.message,
    );
  });

  console.log(`
IMS image-sharing, serving on ${host} (Ctrl-C stops everything):
  docs     ${docs.url}   reference in English and Chinese; API explorer on ${docs.url}try/
  mock     ${mock.url}   Prism: examples from the spec, any X-Auth-Token; Prefer: code=NNN / example=NAME
  sandbox  ${sandbox.url}   stateful; tokens owner-token, member-token, member2-token, stranger-token
`);
}

export async function main(argv: string[]): Promise<number> {
  // Ctrl-C in a terminal also reaches the children (same process group); stopChild copes with that.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (stopping) return;
      console.log(`\n${signal === "SIGINT" ? "Ctrl-C" : signal}: stopping the servers…`);
      void stopAll(0);
    });
  }
  try {
    await serve(parseOptions(argv));
    return 0;
  } catch (error) {
    console.error(`npm start: ${error instanceof Error ? error.message : String(error)}`);
    await stopAll(1);
    return 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) process.exitCode = await main(process.argv.slice(2));
