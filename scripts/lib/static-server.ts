// A small file server for the built docs site: GET and HEAD only, no directory listings. It sends the
// precompressed `.br` / `.gz` copies the docs build writes (src/docs/compress.ts) to browsers that
// accept them, with an ETag so a revisit costs a 304. Optional proxies forward a path prefix (any
// method) to another local server, e.g. /try/sandbox/* to the sandbox, keeping try-it same-origin.
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, resolve, sep } from "node:path";

const contentTypes: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".yaml": "application/yaml; charset=utf-8",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".svg": "image/svg+xml",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
};

export interface StaticServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export interface StaticServerOptions {
  root: string;
  host?: string;
  port?: number;
  /** Path prefix (e.g. `/try/sandbox`) → base URL of the server that answers below it. */
  proxy?: Record<string, string>;
}

export async function serveStatic(options: StaticServerOptions): Promise<StaticServer> {
  const root = resolve(options.root);
  const proxies = Object.entries(options.proxy ?? {});
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const proxy = proxies.find(([prefix]) => url.pathname === prefix || url.pathname.startsWith(`${prefix}/`));
    if (proxy) return forward(req, res, proxy[1], url.pathname.slice(proxy[0].length) + url.search);
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { Allow: "GET, HEAD", "Content-Type": "text/plain" }).end("method not allowed\n");
      return;
    }
    const found = await findFile(root, url.pathname);
    if (found === "directory") {
      // /zh-CN → /zh-CN/, so that the page's relative links resolve inside its folder.
      res.writeHead(301, { Location: `${url.pathname}/${url.search}` }).end();
      return;
    }
    if (!found) {
      res.writeHead(404, { "Content-Type": "text/plain" }).end("not found\n");
      return;
    }
    await sendFile(req, res, found);
  });
  await new Promise<void>((ready, fail) => {
    server.once("error", fail);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => ready());
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}/`,
    server,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

async function sendFile(
  req: IncomingMessage,
  res: ServerResponse,
  file: { path: string; size: number; mtimeMs: number },
) {
  const etag = `"${file.size.toString(36)}-${Math.round(file.mtimeMs).toString(36)}"`;
  const headers: Record<string, string | number> = {
    "Content-Type": contentTypes[extname(file.path)] ?? "application/octet-stream",
    // Names carry no content hash, so browsers revalidate every time; an unchanged file costs a 304.
    "Cache-Control": "no-cache",
    ETag: etag,
    Vary: "Accept-Encoding",
  };
  if (req.headers["if-none-match"] === etag) {
    res.writeHead(304, headers).end();
    return;
  }
  const accepted = String(req.headers["accept-encoding"] ?? "");
  let path = file.path;
  let size = file.size;
  for (const [encoding, suffix] of [
    ["br", ".br"],
    ["gzip", ".gz"],
  ] as const) {
    if (!new RegExp(`\\b${encoding}\\b(?!;q=0(?:\\.0*)?\\b)`).test(accepted)) continue;
    const info = await stat(file.path + suffix).catch(() => undefined);
    if (!info?.isFile()) continue;
    path = file.path + suffix;
    size = info.size;
    headers["Content-Encoding"] = encoding;
    break;
  }
  headers["Content-Length"] = size;
  res.writeHead(200, headers);
  if (req.method === "HEAD") res.end();
  else createReadStream(path).pipe(res);
}

/** Sends the request on to `target` + `path` and streams the answer back; 502 when the target is down. */
function forward(req: IncomingMessage, res: ServerResponse, target: string, path: string) {
  const base = new URL(target);
  const headers = { ...req.headers, host: base.host };
  delete headers.origin;
  delete headers.referer;
  const upstream = request(
    {
      host: base.hostname,
      port: base.port,
      method: req.method,
      path: `${base.pathname.replace(/\/$/, "")}${path || "/"}`,
      headers,
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on("error", (error) => {
    if (res.headersSent) return res.destroy();
    res
      .writeHead(502, { "Content-Type": "application/json" })
      .end(`${JSON.stringify({ error: `the server behind ${target} did not answer: ${error.message}` })}\n`);
  });
  req.pipe(upstream);
}

/** Maps a URL path to a file under root; `/dir/` serves `dir/index.html`, `/dir` is reported as a directory. */
async function findFile(
  root: string,
  pathname: string,
): Promise<{ path: string; size: number; mtimeMs: number } | "directory" | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  const candidate = resolve(join(root, decoded));
  if (candidate !== root && !candidate.startsWith(root + sep)) return undefined;
  const info = await stat(candidate).catch(() => undefined);
  if (info?.isFile()) return { path: candidate, size: info.size, mtimeMs: info.mtimeMs };
  if (info?.isDirectory() && !pathname.endsWith("/")) return "directory";
  const index = join(candidate, "index.html");
  const indexInfo = await stat(index).catch(() => undefined);
  return indexInfo?.isFile() ? { path: index, size: indexInfo.size, mtimeMs: indexInfo.mtimeMs } : undefined;
}
