import type { paths } from "ims-sharing/types";
import createClient, { type Client, type Middleware } from "openapi-fetch";
import { rememberRequest } from "./unwrap.ts";

/** A fixed token, or a function that returns the current one (called for every request). */
export type TokenSource = string | ((context: { refresh: boolean }) => string | Promise<string>);

export interface ImsClientOptions {
  /** The endpoint root, without the version: `https://ims.eu-de.otc.t-systems.com`. */
  baseUrl: string;
  /** The IAM token sent as X-Auth-Token. With a function, a 401 triggers one refresh and one retry. */
  token: TokenSource;
  /** Replaces the global fetch (tests, proxies, instrumentation). */
  fetch?: typeof globalThis.fetch;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
}

export type ImsClient = Client<paths, "application/json">;

export function createImsClient(options: ImsClientOptions): ImsClient {
  const client = createClient<paths, "application/json">({
    baseUrl: normaliseBaseUrl(options.baseUrl),
    // Glance answers errors in HTML unless JSON is asked for explicitly.
    headers: { Accept: "application/json", ...options.headers },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  // onResponse handlers run in reverse order: rememberRequest sees the final response, after any retry.
  client.use(rememberRequest);
  client.use(authMiddleware(options.token, options.fetch ?? ((input) => globalThis.fetch(input))));
  return client;
}

function normaliseBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new TypeError(`baseUrl must be an absolute http(s) URL, got ${JSON.stringify(baseUrl)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new TypeError(`baseUrl must use http or https, got ${url.protocol}`);
  // Paths in the spec start with /v1 or /v2; a trailing slash here would double it.
  return url.href.replace(/\/+$/, "");
}

function authMiddleware(token: TokenSource, fetcher: (request: Request) => Promise<Response>): Middleware {
  const replays = new Map<string, Request>();
  const current = async (refresh: boolean) => (typeof token === "string" ? token : token({ refresh }));
  return {
    async onRequest({ request, id }) {
      request.headers.set("X-Auth-Token", await current(false));
      if (typeof token === "function") replays.set(id, request.clone());
      return request;
    },
    async onResponse({ response, id }) {
      const replay = replays.get(id);
      replays.delete(id);
      if (response.status !== 401 || !replay) return undefined;
      replay.headers.set("X-Auth-Token", await current(true));
      return fetcher(replay);
    },
    onError({ id }) {
      replays.delete(id);
    },
  };
}
