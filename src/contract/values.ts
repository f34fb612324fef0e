// Values made from the spec's schemas: a valid request body for a flow, and the ways to break a
// request body or a path parameter for the negative checks. Every generated value is validated
// with Ajv against the schema it comes from, so a "negative" value is known to be invalid (and
// why: the failing keyword) and a "valid" one is known to be valid.
import { randomBytes, randomUUID } from "node:crypto";
import type { SpecOperation } from "../spec/model.ts";
import type { Contract } from "./contract.ts";

type Schema = Record<string, unknown>;

export function randomHex(length: number): string {
  return randomBytes(Math.ceil(length / 2))
    .toString("hex")
    .slice(0, length);
}

/** A fresh value valid against the schema at `pointer` (random ids, first enum value, required properties only). */
export function sampleValue(contract: Contract, pointer: string): unknown {
  const { pointer: at, schema } = contract.schemaAt(pointer);
  if ("const" in schema) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  const type = primaryType(schema);
  if (type === "object") {
    const properties = (schema.properties ?? {}) as Record<string, unknown>;
    const required = (schema.required ?? []) as string[];
    return Object.fromEntries(
      required
        .filter((name) => name in properties)
        .map((name) => [name, sampleValue(contract, `${at}/properties/${name}`)]),
    );
  }
  if (type === "array") {
    const count = Math.max(1, Number(schema.minItems ?? 0));
    return distinctItems(contract, `${at}/items`, count);
  }
  const candidates: unknown[] =
    type === "string"
      ? [
          randomUUID(),
          randomHex(Number(schema.minLength ?? 32)),
          ...examplesOf(schema),
          "a".repeat(Math.max(1, Number(schema.minLength ?? 1))),
        ]
      : type === "integer" || type === "number"
        ? [Number(schema.minimum ?? 0), ...examplesOf(schema)]
        : type === "boolean"
          ? [true]
          : [null];
  const valid = candidates.find((c) => contract.errors(at, c).length === 0);
  if (valid === undefined) throw new Error(`cannot make a valid value for ${at}`);
  return valid;
}

function distinctItems(contract: Contract, pointer: string, count: number): unknown[] {
  const items: unknown[] = [];
  for (let attempt = 0; items.length < count && attempt < count * 4; attempt++) {
    const item = sampleValue(contract, pointer);
    if (!items.some((i) => JSON.stringify(i) === JSON.stringify(item))) items.push(item);
  }
  return items;
}

/** A valid body for the operation, with the given top-level properties; throws if the result breaks the schema. */
export function validBody(contract: Contract, op: SpecOperation, values: Record<string, unknown> = {}): unknown {
  if (!op.body) throw new Error(`${op.id} takes no body`);
  const base = sampleValue(contract, op.body.schema) as Record<string, unknown>;
  const body = { ...base, ...values };
  const errors = contract.errors(op.body.schema, body);
  if (errors.length > 0)
    throw new Error(
      `${op.id}: the suite built an invalid body ${JSON.stringify(body)}: ${errors.map((e) => `${e.instancePath} ${e.message}`).join("; ")}`,
    );
  return body;
}

export interface BodyCase {
  /** What is wrong, e.g. `body/member breaks pattern`. */
  description: string;
  /** Stable id of the case, the same in every run: `body/member:pattern`, `malformed-json`. */
  id: string;
  /** The rules it breaks: JSON Schema keywords, or `malformed-json`, `no-body`, `media-type`. */
  rules: string[];
  body?: unknown;
  rawBody?: string;
  contentType?: string;
  /** True when no body is sent at all. */
  omitBody?: boolean;
}

export interface ParamCase {
  description: string;
  id: string;
  rules: string[];
  name: string;
  value: string;
}

const otherTypeValues: Record<string, unknown> = {
  string: "not-the-right-type",
  number: 12345,
  boolean: true,
  null: null,
  array: ["not-the-right-type"],
  object: { unexpected: "value" },
};

/** Every body the request schema forbids, each differing from `valid` in one place. */
export function negativeBodies(contract: Contract, op: SpecOperation, valid: Record<string, unknown>): BodyCase[] {
  if (!op.body) return [];
  const cases: BodyCase[] = [];
  const { pointer, schema } = contract.schemaAt(op.body.schema);
  const text = JSON.stringify(valid);
  cases.push({
    description: "malformed JSON",
    id: "malformed-json",
    rules: ["malformed-json"],
    rawBody: text.slice(0, Math.max(1, text.length - 2)),
  });
  if (op.body.required) cases.push({ description: "no body", id: "no-body", rules: ["no-body"], omitBody: true });
  if (!op.body.mediaTypes.includes("text/plain"))
    cases.push({
      description: "valid JSON sent as text/plain",
      id: "media-type",
      rules: ["media-type"],
      body: valid,
      contentType: "text/plain",
    });

  for (const [type, value] of Object.entries(otherTypeValues)) {
    if (contract.errors(pointer, value).length > 0 && type !== primaryType(schema))
      cases.push({
        description: `body is ${named(type)}, not an object`,
        id: `body:type=${type}`,
        rules: ["type"],
        body: value,
      });
  }
  for (const name of (schema.required ?? []) as string[]) {
    const { [name]: _dropped, ...rest } = valid;
    cases.push({
      description: `required property ${name} missing`,
      id: `body/${name}:required`,
      rules: ["required"],
      body: rest,
    });
  }
  if (schema.additionalProperties === false) {
    cases.push({
      description: "unexpected extra property",
      id: "body:additionalProperties",
      rules: ["additionalProperties"],
      body: { ...valid, unexpected_property: "value" },
    });
  }

  for (const name of Object.keys((schema.properties ?? {}) as object)) {
    for (const broken of brokenValues(contract, `${pointer}/properties/${name}`, valid[name])) {
      cases.push({
        description: `body/${name} ${broken.description}`,
        id: `body/${name}:${broken.id}`,
        rules: broken.rules,
        body: { ...valid, [name]: broken.value },
      });
    }
  }
  return cases.filter(
    (c) =>
      c.omitBody ||
      c.rawBody !== undefined ||
      c.contentType !== undefined ||
      contract.errors(op.body?.schema ?? "", c.body).length > 0,
  );
}

/** Path parameter values that break their schema; `valid` supplies the other parameters. */
export function negativeParams(contract: Contract, op: SpecOperation, valid: Record<string, string>): ParamCase[] {
  const cases: ParamCase[] = [];
  for (const param of op.pathParams) {
    for (const broken of brokenValues(contract, param.schema, valid[param.name], { pathSafe: true })) {
      if (typeof broken.value === "string")
        cases.push({
          description: `path ${param.name} ${broken.description}`,
          id: `path/${param.name}:${broken.id}`,
          rules: broken.rules,
          name: param.name,
          value: broken.value,
        });
    }
  }
  return cases;
}

interface Broken {
  description: string;
  id: string;
  rules: string[];
  value: unknown;
}

/**
 * Values that break the schema at `pointer`, one per failing keyword: wrong JSON types, strings that
 * miss the pattern, format, length or enum, and arrays that are too short, too long, repeat an item
 * or hold a bad item.
 */
function brokenValues(
  contract: Contract,
  pointer: string,
  valid: unknown,
  options: { pathSafe?: boolean } = {},
): Broken[] {
  const { pointer: at, schema } = contract.schemaAt(pointer);
  const type = primaryType(schema);
  const out: Broken[] = [];
  if (!options.pathSafe) {
    for (const [otherType, value] of Object.entries(otherTypeValues)) {
      if (otherType !== type && contract.errors(at, value).some((e) => e.keyword === "type"))
        out.push({ description: `is ${named(otherType)}`, id: `type=${otherType}`, rules: ["type"], value });
    }
  }
  if (type === "string") {
    const text = typeof valid === "string" ? valid : String(sampleValue(contract, at));
    const length = text.length;
    const candidates = [
      text.toUpperCase(),
      "Z".repeat(length),
      `${text}!`,
      text.slice(1),
      "not-an-id",
      "a".repeat(Number(schema.maxLength ?? length) + 1),
      ...(options.pathSafe ? [] : ["", " "]),
    ].filter((c) => c !== text);
    out.push(...onePerKeyword(contract, at, candidates));
  }
  if (type === "array") {
    const item = `${at}/items`;
    const base = Array.isArray(valid) && valid.length > 0 ? valid : distinctItems(contract, item, 1);
    const candidates: unknown[] = [[]];
    if (typeof schema.maxItems === "number") candidates.push(distinctItems(contract, item, schema.maxItems + 1));
    if (schema.uniqueItems === true) candidates.push([base[0], base[0]]);
    const badItems = brokenValues(contract, item, base[0]).map((b) => [b.value]);
    out.push(...onePerKeyword(contract, at, [...candidates, ...badItems]));
  }
  return out;
}

/**
 * For each keyword some candidate breaks, the candidate that breaks the fewest keywords besides it.
 * A keyword broken inside an array item is named `items.<keyword>` and counts as the rule `items`.
 */
function onePerKeyword(contract: Contract, pointer: string, candidates: unknown[]): Broken[] {
  const scored = candidates.map((value) => ({
    value,
    keywords: [
      ...new Set(
        contract.errors(pointer, value).map((e) => (e.instancePath === "" ? e.keyword : `items.${e.keyword}`)),
      ),
    ].filter((k) => k !== "type"),
  }));
  const chosen = new Map<unknown, string[]>();
  for (const keyword of new Set(scored.flatMap((s) => s.keywords))) {
    const best = scored
      .filter((s) => s.keywords.includes(keyword))
      .sort((a, b) => a.keywords.length - b.keywords.length)[0];
    if (best) chosen.set(best.value, best.keywords);
  }
  return [...chosen].map(([value, keywords]) => ({
    description: `breaks ${keywords.join(" + ")} (${preview(value)})`,
    id: keywords.join("+"),
    rules: [...new Set(keywords.map((k) => (k.startsWith("items.") ? "items" : k)))],
    value,
  }));
}

function primaryType(schema: Schema): string | undefined {
  const type = schema.type;
  if (typeof type === "string") return type;
  if (Array.isArray(type)) return type.find((t) => t !== "null") as string | undefined;
  return undefined;
}

function examplesOf(schema: Schema): unknown[] {
  return Array.isArray(schema.examples) ? schema.examples : [];
}

/** `a string`, `an object`, `null`. */
function named(type: string): string {
  return type === "null" ? "null" : `${/^[aeiou]/.test(type) ? "an" : "a"} ${type}`;
}

function preview(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
