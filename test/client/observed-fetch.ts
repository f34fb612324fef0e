// A fetch that answers from the test's own handler and keeps every request it saw. Nothing is
// mocked: the client under test gets this function as its `fetch` option.
export interface Observed {
  fetch: typeof globalThis.fetch;
  requests: Request[];
  bodies: unknown[];
}

export function observedFetch(handler: (request: Request, index: number) => Response | Promise<Response>): Observed {
  const requests: Request[] = [];
  const bodies: unknown[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    requests.push(request);
    const text = await request.clone().text();
    bodies.push(text ? JSON.parse(text) : undefined);
    return handler(request, requests.length - 1);
  };
  return { fetch: fetch as typeof globalThis.fetch, requests, bodies };
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
}
