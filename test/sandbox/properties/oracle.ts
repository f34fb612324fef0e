// What the spec allows a server to answer to one request, whatever the request was. The operation
// is found the way RFC 3986 says URLs compare (percent-encoded unreserved characters are the
// characters themselves), and a request that reaches no operation still gets an error in the JSON
// shape of its route family (the first path segment: `/v1` speaks IMS, `/v2` OpenStack).
import { describeOperations, responseFor, type SpecOperation } from "../../../src/spec/model.ts";
import type { OpenApiDocument, SchemaValidator } from "../../../src/spec/openapi.ts";
import type { RawReply } from "./raw-http.ts";

interface Family {
  /** Schema pointers of the family's 4xx bodies (one in practice). */
  errorSchemas: Set<string>;
  /** Headers every declared response of the family carries: name -> schema pointer. */
  requiredHeaders: Map<string, string | undefined>;
}

export interface Oracle {
  /**
   * Everything wrong with `reply` as an answer to `method target`; empty when the spec allows it.
   * `malformed`: the request's framing was broken, so the server cannot be held to HEAD's "no body".
   */
  problems(method: string, target: string, reply: RawReply, malformed?: boolean): string[];
}

export function specOracle(doc: OpenApiDocument, validator: SchemaValidator): Oracle {
  const operations = describeOperations(doc).map((op) => ({
    op,
    pattern: new RegExp(`^${op.path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+")}$`),
  }));
  const families = familiesOf(operations.map((o) => o.op));

  /** The operation a request reaches (HEAD reaches the GET of its path), or undefined. */
  const operationOf = (method: string, target: string): SpecOperation | undefined => {
    const path = normalizePath(target);
    const onPath = operations.filter((o) => o.pattern.test(path)).map((o) => o.op);
    // HTTP: a general-purpose server answers HEAD wherever it answers GET.
    const wanted = method === "HEAD" ? "GET" : method;
    return onPath.find((op) => op.method === wanted);
  };

  const problems = (method: string, target: string, reply: RawReply, malformed = false): string[] => {
    const found: string[] = [];
    const head = method === "HEAD" && !(malformed && reply.body.length > 0);
    if (reply.status >= 500) found.push(`answered ${reply.status}; a request must never cause a 5xx`);
    const op = operationOf(method, target);
    const family = families.get(op ? firstSegment(op.path) : firstSegment(normalizePath(target)));
    if (op) {
      const response = responseFor(op, reply.status);
      if (!response) {
        found.push(`${op.id} does not declare status ${reply.status}`);
        return found;
      }
      const schema = response.content.get("application/json");
      if (head || response.content.size === 0) {
        if (reply.body.length > 0) found.push(`${reply.status} must have no body, got ${preview(reply.body)}`);
      } else if (schema) found.push(...bodyProblems(reply, [schema]));
      for (const header of response.headers.filter((h) => h.required))
        found.push(...headerProblems(reply, header.name, header.schema));
    } else {
      if (reply.status < 400 || reply.status >= 500)
        found.push(`a request that reaches no operation must get a 4xx, got ${reply.status}`);
      if (!head) {
        const schemas = family ? [...family.errorSchemas] : [...families.values()].flatMap((f) => [...f.errorSchemas]);
        found.push(...bodyProblems(reply, schemas));
      }
    }
    for (const [name, schema] of family?.requiredHeaders ?? []) found.push(...headerProblems(reply, name, schema));
    return [...new Set(found)];
  };

  const bodyProblems = (reply: RawReply, schemas: string[]): string[] => {
    const type = reply.headers["content-type"] ?? "";
    if (!/^application\/json(;|$)/.test(type)) return [`Content-Type ${JSON.stringify(type)} is not application/json`];
    let body: unknown;
    try {
      body = JSON.parse(reply.body.toString("utf8"));
    } catch {
      return [`body is not JSON: ${preview(reply.body)}`];
    }
    const failures = schemas.map((schema) => ({ schema, errors: validator.validate(schema, body) }));
    if (!failures.some((f) => f.errors.length === 0))
      return failures.map((f) => `body breaks ${f.schema}: ${f.errors.join("; ")}; body ${preview(reply.body)}`);
    // An OpenStack error code is the status and its reason phrase; it must name the status sent.
    const code = (body as { code?: unknown }).code;
    if (typeof code === "string" && /^\d{3} /.test(code) && !code.startsWith(`${reply.status} `))
      return [`error code "${code}" does not match status ${reply.status}`];
    return [];
  };

  const headerProblems = (reply: RawReply, name: string, schema: string | undefined): string[] => {
    const value = reply.headers[name.toLowerCase()];
    if (value === undefined) return [`header ${name} is missing`];
    const errors = schema ? validator.validate(schema, value) : [];
    return errors.length > 0 ? [`header ${name}: ${JSON.stringify(value)} ${errors.join("; ")}`] : [];
  };

  return { problems };
}

/** Route families by first path segment, from the operations that live under it. */
function familiesOf(operations: SpecOperation[]): Map<string, Family> {
  const families = new Map<string, Family>();
  for (const op of operations) {
    const key = firstSegment(op.path);
    const family = families.get(key) ?? { errorSchemas: new Set(), requiredHeaders: new Map() };
    families.set(key, family);
    for (const response of op.responses.values()) {
      const schema = response.content.get("application/json");
      if (/^4/.test(response.status) && schema) family.errorSchemas.add(schema);
    }
  }
  // A header is the family's when every response of every operation in it declares it as required.
  for (const [key, family] of families) {
    const responses = operations
      .filter((op) => firstSegment(op.path) === key)
      .flatMap((op) => [...op.responses.values()]);
    const first = responses[0]?.headers ?? [];
    for (const header of first.filter((h) => h.required)) {
      const everywhere = responses.every((r) => r.headers.some((h) => h.name === header.name && h.required));
      if (everywhere) family.requiredHeaders.set(header.name, header.schema);
    }
  }
  return families;
}

function firstSegment(path: string): string {
  return path.split("/")[1] ?? "";
}

/** The path of a request target, with percent-encoded unreserved characters decoded (RFC 3986, 6.2.2.2). */
export function normalizePath(target: string): string {
  const path = target.split("?")[0] ?? "";
  return path.replace(/%([0-9A-Fa-f]{2})/g, (match, hex: string) => {
    const char = String.fromCharCode(Number.parseInt(hex, 16));
    return /[A-Za-z0-9\-._~]/.test(char) ? char : match.toUpperCase();
  });
}

function preview(body: Buffer): string {
  const text = body.toString("utf8");
  return text.length > 300 ? `${JSON.stringify(text.slice(0, 300))}… (${text.length} chars)` : JSON.stringify(text);
}
