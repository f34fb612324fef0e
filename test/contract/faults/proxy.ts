// A loopback HTTP proxy that breaks one thing about the server behind it. Each fault sees the
// request (with the operation it targets) before it is forwarded, and the response before it goes
// back; it may change either, or answer by itself.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Contract } from "../../../src/contract/contract.ts";

export interface ProxiedRequest {
  method: string;
  /** Path and query, as received. */
  url: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string;
  /** The operation the spec maps this method and path to, if any. */
  operation: string | undefined;
  params: Record<string, string>;
}

export interface ProxiedResponse {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string;
}

export interface FaultHooks {
  /** Rewrites the request, or answers it without asking the server. */
  request?(request: ProxiedRequest): ProxiedRequest | ProxiedResponse;
  /** Rewrites the server's response; `forward` reaches the server directly. */
  response?(
    request: ProxiedRequest,
    response: ProxiedResponse,
    forward: (request: ProxiedRequest) => Promise<ProxiedResponse>,
  ): ProxiedResponse | Promise<ProxiedResponse>;
}

export interface RunningProxy {
  url: string;
  close(): Promise<void>;
}

const routes = Contract.load("ims").operations.map((op) => ({
  id: op.id,
  method: op.method,
  names: [...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string),
  pattern: new RegExp(`^${op.path.replace(/\{[^}]+\}/g, "([^/]*)")}$`),
}));

function matchOperation(
  method: string,
  url: string,
): { operation: string | undefined; params: Record<string, string> } {
  const path = url.split("?")[0] ?? "";
  for (const route of routes) {
    const match = route.method === method ? route.pattern.exec(path) : null;
    if (match)
      return {
        operation: route.id,
        params: Object.fromEntries(route.names.map((n, i) => [n, safeDecode(match[i + 1] ?? "")])),
      };
  }
  return { operation: undefined, params: {} };
}

/** The decoded segment, or the raw one when it is not valid percent-encoded UTF-8 (the suite sends such paths). */
function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

const hopByHop = new Set(["connection", "keep-alive", "transfer-encoding", "content-length", "host"]);

export function forwardTo(upstream: string): (request: ProxiedRequest) => Promise<ProxiedResponse> {
  return (request) =>
    new Promise((resolve, reject) => {
      const headers = Object.fromEntries(Object.entries(request.headers).filter(([n]) => !hopByHop.has(n)));
      if (request.body.length > 0 || request.method === "POST" || request.method === "PUT")
        headers["content-length"] = String(Buffer.byteLength(request.body));
      const req = http.request(
        new URL(request.url, upstream),
        { method: request.method, headers, agent: false },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", reject);
          res.on("end", () => {
            const out: Record<string, string> = {};
            for (const [n, v] of Object.entries(res.headers))
              if (v !== undefined && !hopByHop.has(n)) out[n] = Array.isArray(v) ? v.join(", ") : v;
            resolve({ status: res.statusCode ?? 502, headers: out, body: Buffer.concat(chunks).toString("utf8") });
          });
        },
      );
      req.on("error", reject);
      req.end(request.body);
    });
}

export async function startFaultProxy(upstream: string, hooks: FaultHooks): Promise<RunningProxy> {
  const forward = forwardTo(upstream);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        const headers: Record<string, string> = {};
        for (const [n, v] of Object.entries(req.headers))
          if (v !== undefined) headers[n] = Array.isArray(v) ? v.join(", ") : v;
        const method = req.method ?? "GET";
        const url = req.url ?? "/";
        const incoming: ProxiedRequest = {
          method,
          url,
          headers,
          body: Buffer.concat(chunks).toString("utf8"),
          ...matchOperation(method, url),
        };
        let response: ProxiedResponse;
        try {
          const rewritten = hooks.request ? hooks.request(incoming) : incoming;
          if ("status" in rewritten) {
            response = rewritten;
          } else {
            response = await forward(rewritten);
            if (hooks.response) response = await hooks.response(rewritten, response, forward);
          }
        } catch (err) {
          response = {
            status: 502,
            headers: { "content-type": "text/plain" },
            body: `fault proxy: ${(err as Error).message}`,
          };
        }
        if (res.destroyed) return;
        const body = Buffer.from(response.body, "utf8");
        res.writeHead(response.status, { ...response.headers, "content-length": String(body.length) });
        res.end(body);
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Parses a JSON body, or returns undefined. */
export function jsonOf(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

/** The response with a new JSON body. */
export function withJson(response: ProxiedResponse, value: unknown): ProxiedResponse {
  return { ...response, body: JSON.stringify(value) };
}
