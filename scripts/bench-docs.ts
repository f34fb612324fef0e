// Benchmark (not a test): serves the built docs site as `npm start` does and opens a deep link in
// headless Chromium, en and zh-CN side by side, with and without compression. Reports the bytes
// transferred for the page and the median time until the operation's heading is visible.
// With --baseline DIR, a site built by an earlier version (e.g. before compression) is measured in the
// same run, for figures side by side.
// Usage: tsx scripts/bench-docs.ts [--dir docs-site/dist] [--baseline DIR] [--runs 5]
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Command } from "commander";
import { chromium } from "playwright-core";
import { defaultOutDir } from "../src/docs/build.ts";
import { serveStatic } from "./lib/static-server.ts";

const deepLink = { route: "#/jobs/showjob", id: "jobs/showjob" };
const launchArgs = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"];

export async function main(argv: string[]): Promise<number> {
  const opts = new Command("bench-docs")
    .option("--dir <dir>", "built site", defaultOutDir)
    .option("--baseline <dir>", "an earlier build to measure alongside")
    .option("--runs <n>", "page loads per case", "5")
    .parse(argv, { from: "user" })
    .opts<{ dir: string; baseline?: string; runs: string }>();
  const sites = [
    { name: "current", dir: resolve(opts.dir) },
    ...(opts.baseline ? [{ name: "baseline", dir: resolve(opts.baseline) }] : []),
  ];
  for (const { dir } of sites)
    if (!existsSync(join(dir, "en", "index.html"))) {
      console.error(`${dir} has no built site: run \`npm run docs\` first`);
      return 1;
    }
  const runs = Math.max(1, Number(opts.runs) || 5);
  const servers = await Promise.all(sites.map(({ dir }) => serveStatic({ root: dir })));
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: launchArgs,
  });
  try {
    console.log(`deep link ${deepLink.route}, ${runs} cold loads per case (cases interleaved), median`);
    const cases = sites.flatMap((site, index) =>
      ["en", "zh-CN"].flatMap((lang) =>
        ["br", "gzip", "identity"].map((encoding) => ({
          site,
          lang,
          encoding,
          url: `${servers[index]?.url}${lang}/${deepLink.route}`,
          bytes: [] as number[],
          times: [] as number[],
        })),
      ),
    );
    // Round-robin, so that a change in the machine's load touches every case alike.
    for (let i = 0; i < runs; i++)
      for (const c of cases) {
        const result = await load(browser, c.url, c.encoding);
        c.bytes.push(result.bytes);
        c.times.push(result.ms);
      }
    console.log("site       page   encoding   transferred   first operation heading visible");
    for (const c of cases)
      console.log(
        `${c.site.name.padEnd(10)} ${c.lang.padEnd(6)} ${c.encoding.padEnd(10)} ${`${(median(c.bytes) / 1024).toFixed(0)} KiB`.padStart(11)}   ${(median(c.times) / 1000).toFixed(2)} s`,
      );
    return 0;
  } finally {
    await browser.close();
    await Promise.all(servers.map((server) => server.close()));
  }
}

/** One cold load (fresh context, no cache): bytes on the wire (CDP) and ms from navigation to the visible heading. */
async function load(browser: import("playwright-core").Browser, url: string, encoding: string) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setExtraHTTPHeaders", { headers: { "Accept-Encoding": encoding } });
  let bytes = 0;
  cdp.on("Network.loadingFinished", (event) => {
    bytes += event.encodedDataLength;
  });
  const started = performance.now();
  await page.goto(url, { waitUntil: "commit" });
  await page.locator(`[id="${deepLink.id}"] h2`).first().waitFor({ state: "visible", timeout: 60_000 });
  const ms = performance.now() - started;
  await page.waitForLoadState("load");
  await context.close();
  return { bytes, ms };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) process.exitCode = await main(process.argv.slice(2));
