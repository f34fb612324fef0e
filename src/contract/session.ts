// One run's connection to the server: sends requests as the configured actors and records every
// exchange. It judges nothing and remembers nothing else; checks judge, the runner collects.
import type { ContractConfig } from "./config.ts";
import type { Contract } from "./contract.ts";
import { type Exchange, HttpClient, isJsonMediaType, type RecordedRequest } from "./http.ts";

export type ActorName = "owner" | "member" | "stranger" | "anonymous" | "bogus";

export interface CallOptions {
  actor: ActorName;
  params: Record<string, string>;
  /** Serialised as JSON. */
  body?: unknown;
  /** Sent exactly as given (takes precedence over `body`). */
  rawBody?: string;
  /** Defaults to `application/json` whenever a body is sent. */
  contentType?: string;
  /** Replaces the default `Accept: application/json`; `null` sends no Accept header. */
  accept?: string | null;
  /** Sent as is instead of the path built from the template and `params` (for malformed paths). */
  rawPath?: string;
  purpose: string;
}

export class Session {
  readonly exchanges: Exchange[] = [];
  private readonly http: HttpClient;

  constructor(
    readonly config: ContractConfig,
    readonly contract: Contract,
  ) {
    this.http = new HttpClient(config.timeouts.requestMs);
  }

  headersFor(actor: ActorName): Record<string, string> {
    const { actors } = this.config;
    if (actor === "anonymous") return {};
    if (actor === "bogus") return actors.bogus.headers;
    return actors[actor].headers;
  }

  projectOf(actor: "owner" | "member" | "stranger"): string {
    return this.config.actors[actor].project;
  }

  async call(operationId: string, options: CallOptions): Promise<Exchange> {
    const op = this.contract.op(operationId);
    if (op.method !== "GET" && !this.config.destructive)
      throw new Error(`${operationId}: only GET may be sent while destructive steps are off`);
    const path =
      options.rawPath ??
      op.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(options.params[name] ?? `{${name}}`));
    const headers: Record<string, string> = { "User-Agent": "ims-contract/0.1" };
    if (options.accept !== null) headers.Accept = options.accept ?? "application/json";
    const request: RecordedRequest = {
      method: op.method,
      url: this.config.baseUrl + path,
      headers: { ...headers, ...this.config.headers, ...this.headersFor(options.actor) },
    };
    const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    if (body !== undefined) {
      request.body = body;
      request.headers["Content-Type"] = options.contentType ?? "application/json";
    }
    const { response, error } = await this.http.send(request);
    const exchange: Exchange = {
      id: this.exchanges.length + 1,
      operation: op.id,
      purpose: options.purpose,
      actor: options.actor,
      params: options.params,
      request,
    };
    if (response) exchange.response = response;
    if (error !== undefined) exchange.error = error;
    this.exchanges.push(exchange);
    return exchange;
  }

  close(): void {
    this.http.close();
  }
}

/** The response body parsed as JSON, or undefined when it is not JSON. */
export function jsonBody(exchange: Exchange): unknown {
  const body = exchange.response?.body;
  if (!body || !isJsonMediaType(exchange.response?.headers["content-type"])) return undefined;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}
