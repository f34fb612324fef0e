// Generated requests for the operations of the spec: valid ones, ones with mutated parts (path
// parameters, path, method, token, body, Content-Type), and ones whose HTTP framing is broken. Each
// request is plain data (printed as fast-check's counterexample) and becomes bytes only when sent.
import fc from "fast-check";
import type { SpecOperation } from "../../../src/spec/model.ts";
import type { SchemaArbitraries } from "./spec-arbitraries.ts";

/** Ways to break the framing of an otherwise ordinary request. */
export const framingFaults = [
  "two-content-lengths",
  "transfer-encoding-and-content-length",
  "control-character-in-header",
  "http-2.0-version",
  "header-section-over-16k",
  "raw-non-ascii-in-path",
] as const;
export type FramingFault = (typeof framingFaults)[number];

export interface FuzzRequest {
  /** The operation the request was made from (it may no longer reach it). */
  from: string;
  method: string;
  /** Request target as sent: path and query, already percent-encoded where intended. */
  target: string;
  headers: [string, string][];
  /** Absent: no body and no Content-Length. */
  body?: string;
  framing?: FramingFault;
}

/** Values the requests mix in besides those of the schemas (ids come in through the schema hints). */
export interface FuzzPools {
  tokens: readonly string[];
}

const otherMethods = ["GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS", "HEAD"];
const contentTypes = [
  "application/json; charset=utf-8",
  "",
  "text/plain",
  "application/octet-stream",
  "application/xml",
  "multipart/form-data; boundary=x",
  "application/merge-patch+json",
];
/** Bodies above the sandbox's default limit of 64 KiB. */
const oversize = 65_537;

/** Which parts of a request may be changed beyond its operation's parameters, token and body. */
export interface Mutations {
  /** Other, lower-case and unknown methods. */
  methods: boolean;
  /** Changes to the literal part of the path: percent-encoding, extra or missing segments. */
  paths: boolean;
  /** Broken HTTP framing, on every request. */
  framing: boolean;
}

export function requestArbitrary(
  operations: SpecOperation[],
  values: SchemaArbitraries,
  pools: FuzzPools,
  mutations: Mutations,
): fc.Arbitrary<FuzzRequest> {
  return fc.oneof(...operations.map((op) => forOperation(op, values, pools, mutations)));
}

function forOperation(
  op: SpecOperation,
  values: SchemaArbitraries,
  pools: FuzzPools,
  mutations: Mutations,
): fc.Arbitrary<FuzzRequest> {
  const params = fc.record(Object.fromEntries(op.pathParams.map((p) => [p.name, segment(values.valid(p.schema))])));
  const shape = mutations.paths ? pathShape() : fc.constant((path: string) => path);
  return fc
    .record({
      method: mutations.methods ? method(op) : fc.constant(op.method),
      path: fc.tuple(params, shape).map(([values, reshape]) => reshape(fillTemplate(op.path, values))),
      query: fc.oneof(
        { weight: 8, arbitrary: fc.constant("") },
        fc.constantFrom("?", "?a=1", "?member=x&member=y", `?${"q".repeat(3000)}`),
      ),
      token: tokenHeader(pools),
      body: op.body ? bodyFor(values.valid(op.body.schema)) : strayBody(),
      framing: mutations.framing ? fc.constantFrom(...framingFaults) : fc.constant(undefined),
    })
    .map(({ method, path, query, token, body, framing }) => {
      const headers: [string, string][] = [["Accept", "application/json"]];
      if (token !== undefined) headers.push(["X-Auth-Token", token]);
      if (body.contentType !== undefined) headers.push(["Content-Type", body.contentType]);
      const request: FuzzRequest = { from: op.id, method, target: `${path}${query}`, headers };
      if (body.text !== undefined) request.body = body.text;
      if (framing !== undefined) request.framing = framing;
      return request;
    });
}

function method(op: SpecOperation): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant(op.method) },
    { weight: 3, arbitrary: fc.constantFrom(...otherMethods) },
    fc.constant(op.method.toLowerCase()),
    fc.constantFrom("PURGE", "PROPFIND", "FOO", "GETT"),
  );
}

/** One path parameter as sent: the value encoded in one of several (mostly equivalent) ways, or broken. */
function segment(valid: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  const text = valid.map(String);
  return fc.oneof(
    { weight: 10, arbitrary: text.map(encodeURIComponent) },
    text.map(encodeEveryCharacter),
    text.map((v) => `${v}x`),
    text.map((v) => v.slice(1)),
    text.map((v) => v.toUpperCase()),
    fc.integer({ min: 1, max: 2100 }).map((n) => "a".repeat(n)),
    fc.string({ maxLength: 40, unit: "grapheme" }).map(encodeURIComponent),
    fc.constantFrom("%", "%zz", "%C3", "%2F", "..", ".", "%00", "a%2Fb", "%E2%80%AE"),
  );
}

/** Whole-path changes; most keep the path, the rest change a literal segment or the shape. */
function pathShape(): fc.Arbitrary<(path: string) => string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant((path: string) => path) },
    fc.nat().map((n) => (path: string) => encodeLiteralCharacter(path, n)),
    fc.constant((path: string) => `${path}/`),
    fc.constant((path: string) => `${path}/extra`),
    fc.constant((path: string) => path.slice(0, path.lastIndexOf("/")) || "/v2"),
    fc.constant((path: string) => `/${path}`),
    fc.constant((path: string) => path.replace(/^\/v\d/, (v) => v.toUpperCase())),
    fc.constantFrom("/v3", "/v0", "/v1", "/v2", "/x").map((prefix) => (path: string) => path.replace(/^\/v\d/, prefix)),
  );
}

function tokenHeader(pools: FuzzPools): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    { weight: 10, arbitrary: fc.constantFrom(...pools.tokens) },
    fc.constant(undefined),
    fc.constantFrom("", "not-a-token", "x".repeat(5000)),
  );
}

interface BodyChoice {
  text: string | undefined;
  contentType: string | undefined;
}

/** A body for an operation that takes one: valid, mutated, malformed, missing or too large. */
function bodyFor(valid: fc.Arbitrary<unknown>): fc.Arbitrary<BodyChoice> {
  const text = fc.oneof(
    { weight: 8, arbitrary: valid.map((v) => JSON.stringify(v)) },
    { weight: 4, arbitrary: fc.tuple(valid, mutation()).map(([v, mutate]) => JSON.stringify(mutate(v))) },
    fc.tuple(valid, fc.nat()).map(([v, n]) => {
      const json = JSON.stringify(v);
      return json.slice(0, n % json.length);
    }),
    fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
    fc.string({ maxLength: 60, unit: "grapheme" }),
    fc.constantFrom("", "null", "{", '{"a":1}{', `${"[".repeat(5000)}${"]".repeat(5000)}`, '{"__proto__":{"x":1}}'),
    valid.map((v) => `${JSON.stringify(v)}${" ".repeat(oversize)}`),
  );
  return fc.record({
    text: fc.option(text, { freq: 12, nil: undefined }),
    contentType: fc.oneof(
      { weight: 12, arbitrary: fc.constant<string | undefined>("application/json") },
      fc.constantFrom(...contentTypes),
      fc.constant(undefined),
    ),
  });
}

/** Operations without a body mostly get none; sometimes one comes along anyway. */
function strayBody(): fc.Arbitrary<BodyChoice> {
  return fc.oneof(
    { weight: 8, arbitrary: fc.constant({ text: undefined, contentType: undefined }) },
    fc.record({
      text: fc.oneof(
        fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
        fc.constant("x".repeat(oversize)),
      ),
      contentType: fc.constantFrom<string | undefined>("application/json", ...contentTypes, undefined),
    }),
  );
}

/** Changes to a valid JSON value that (mostly) make it invalid. */
function mutation(): fc.Arbitrary<(value: unknown) => unknown> {
  const json = fc.jsonValue({ maxDepth: 2 });
  return fc.oneof(
    fc.nat().map((n) => (v: unknown) => withoutKey(v, n)),
    fc.tuple(fc.string({ maxLength: 12 }), json).map(([key, extra]) => (v: unknown) => ({
      ...(v as object),
      [key]: extra,
    })),
    fc.tuple(fc.nat(), json).map(
      ([n, replacement]) =>
        (v: unknown) =>
          replaceKey(v, n, () => replacement),
    ),
    fc.nat().map((n) => (v: unknown) => replaceKey(v, n, (old) => (Array.isArray(old) ? [...old, ...old] : old))),
    fc.nat().map((n) => (v: unknown) => replaceKey(v, n, (old) => (Array.isArray(old) ? [] : old))),
    fc
      .nat()
      .map((n) => (v: unknown) => replaceKey(v, n, (old) => (Array.isArray(old) ? Array(101).fill(old[0]) : old))),
    fc.tuple(fc.nat(), fc.integer({ min: 1, max: 3000 })).map(
      ([n, length]) =>
        (v: unknown) =>
          replaceKey(v, n, (old) => (typeof old === "string" ? `${old}${"z".repeat(length)}` : old)),
    ),
    json.map((replacement) => () => replacement),
  );
}

function withoutKey(value: unknown, n: number): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 0) return value;
  const { [keys[n % keys.length] as string]: _dropped, ...rest } = value as Record<string, unknown>;
  return rest;
}

function replaceKey(value: unknown, n: number, replace: (old: unknown) => unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 0) return value;
  const key = keys[n % keys.length] as string;
  return { ...value, [key]: replace((value as Record<string, unknown>)[key]) };
}

function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{([^}]+)\}/g, (_match, name: string) => values[name] ?? "");
}

/** Percent-encodes every character, unreserved ones included: the same URL by RFC 3986. */
function encodeEveryCharacter(value: string): string {
  return [...Buffer.from(value, "utf8")].map((b) => `%${b.toString(16).padStart(2, "0").toUpperCase()}`).join("");
}

/** Percent-encodes the n-th letter or digit of the path's literal segments (`/v1` -> `/%761`). */
function encodeLiteralCharacter(path: string, n: number): string {
  const positions = [...path.matchAll(/[A-Za-z0-9]/g)].map((m) => m.index);
  if (positions.length === 0) return path;
  const at = positions[n % positions.length] as number;
  const hex = (path.codePointAt(at) as number).toString(16);
  return `${path.slice(0, at)}%${n % 2 === 0 ? hex : hex.toUpperCase()}${path.slice(at + 1)}`;
}

/** The bytes of a request to host:port; `Connection: close` so the exchange ends with the response. */
export function requestBytes(request: FuzzRequest, host: string): Buffer {
  const { framing } = request;
  const version = framing === "http-2.0-version" ? "HTTP/2.0" : "HTTP/1.1";
  const lines = [`${request.method} ${sentTarget(request)} ${version}`, `Host: ${host}`, "Connection: close"];
  for (const [name, value] of request.headers) lines.push(`${name}: ${value}`);
  const body = request.body === undefined ? undefined : Buffer.from(request.body, "utf8");
  if (body !== undefined) {
    lines.push(`Content-Length: ${body.length}`);
    if (framing === "two-content-lengths") lines.push(`Content-Length: ${body.length + 1}`);
  } else if (framing === "two-content-lengths") lines.push("Content-Length: 0", "Content-Length: 1");
  if (framing === "transfer-encoding-and-content-length") {
    if (body === undefined) lines.push("Content-Length: 0");
    lines.push("Transfer-Encoding: chunked");
  }
  if (framing === "control-character-in-header") lines.push("X-Fuzz: a\u0001b");
  if (framing === "header-section-over-16k") lines.push(`X-Pad: ${"p".repeat(17 * 1024)}`);
  return Buffer.concat([Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "utf8"), body ?? Buffer.alloc(0)]);
}

/** The request target as sent (with its raw non-ASCII character at the end of the path, if any). */
export function sentTarget(request: FuzzRequest): string {
  if (request.framing !== "raw-non-ascii-in-path") return request.target;
  const query = request.target.indexOf("?");
  return query < 0 ? `${request.target}é` : `${request.target.slice(0, query)}é${request.target.slice(query)}`;
}
