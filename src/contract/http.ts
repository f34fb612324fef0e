// Sends one request and records it with its response, byte for byte, so that a failure can show
// exactly what went over the wire. node:http rather than fetch: the suite must be able to send
// malformed bodies and odd content types untouched, and to close its connections when done.
import http from "node:http";
import https from "node:https";

export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface RecordedResponse {
  status: number;
  statusText: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string;
  durationMs: number;
}

export interface Exchange {
  id: number;
  operation: string;
  /** Why the suite sent it, e.g. `authentication: no credentials`. */
  purpose: string;
  actor: string;
  /** The path parameters the URL was built from. */
  params: Record<string, string>;
  request: RecordedRequest;
  response?: RecordedResponse;
  /** Set when no response arrived (timeout, refused or reset connection). */
  error?: string;
}

export class HttpClient {
  private readonly agents = {
    http: new http.Agent({ keepAlive: true, maxSockets: 4 }),
    https: new https.Agent({ keepAlive: true, maxSockets: 4 }),
  };

  constructor(private readonly timeoutMs: number) {}

  send(request: RecordedRequest): Promise<{ response?: RecordedResponse; error?: string }> {
    const url = new URL(request.url);
    const secure = url.protocol === "https:";
    const started = performance.now();
    const headers: Record<string, string> = { ...request.headers };
    if (request.body !== undefined) headers["Content-Length"] = String(Buffer.byteLength(request.body));
    return new Promise((resolve) => {
      const req = (secure ? https : http).request(
        url,
        {
          method: request.method,
          headers,
          agent: secure ? this.agents.https : this.agents.http,
          signal: AbortSignal.timeout(this.timeoutMs),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("error", (err) => resolve({ error: describeError(err, this.timeoutMs) }));
          res.on("end", () => {
            const responseHeaders: Record<string, string> = {};
            for (const [name, value] of Object.entries(res.headers)) {
              if (value !== undefined) responseHeaders[name] = Array.isArray(value) ? value.join(", ") : value;
            }
            resolve({
              response: {
                status: res.statusCode ?? 0,
                statusText: res.statusMessage ?? "",
                headers: responseHeaders,
                body: Buffer.concat(chunks).toString("utf8"),
                durationMs: Math.round(performance.now() - started),
              },
            });
          });
        },
      );
      req.on("error", (err) => resolve({ error: describeError(err, this.timeoutMs) }));
      req.end(request.body);
    });
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}

function describeError(err: Error, timeoutMs: number): string {
  if (err.name === "AbortError" || err.name === "TimeoutError") return `no response within ${timeoutMs} ms`;
  return `request failed: ${err.message}`;
}

const secretHeader = /token|auth|secret|password|key|cookie|credential/i;

/** Copy of the headers with secret-looking values masked, for reports. */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, secretHeader.test(name) ? mask(value) : value]),
  );
}

function mask(value: string): string {
  return value.length <= 8 ? "***" : `${value.slice(0, 3)}***${value.slice(-2)}`;
}

/** True when the media type (parameters ignored) is JSON: `application/json` or `*+json`. */
export function isJsonMediaType(contentType: string | undefined): boolean {
  const type = mediaType(contentType);
  return type === "application/json" || type.endsWith("+json");
}

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}
