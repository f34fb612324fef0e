import type { Middleware } from "openapi-fetch";
import { ImsApiError } from "./errors.ts";

interface FetchResult {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/** What a successful call yields: the body, or `void` for 204 answers that have none. */
export type Unwrapped<R extends FetchResult> = [Exclude<R["data"], undefined>] extends [never]
  ? // biome-ignore lint/suspicious/noConfusingVoidType: a 204 yields nothing, which callers know as void
    void
  : Exclude<R["data"], undefined>;

// openapi-fetch hands back the Response but not the Request; errors name the request, so it is kept here.
const requests = new WeakMap<Response, { method: string; url: string }>();

/** Records which request each response answers, for error messages. Register it before other middleware. */
export const rememberRequest: Middleware = {
  onResponse({ request, response }) {
    requests.set(response, { method: request.method, url: request.url });
  },
};

/** Resolves to the response body of a 2xx answer; throws an ImsApiError for any other status. */
export async function unwrap<R extends FetchResult>(result: R | Promise<R>): Promise<Unwrapped<R>> {
  const { data, error, response } = await result;
  if (!response.ok)
    throw new ImsApiError(response, error, requests.get(response) ?? { method: "request", url: response.url });
  return data as Unwrapped<R>;
}
