// The requests the negative check sends are generated from the spec's request schemas: each one is
// known (by Ajv) to break the schema, and together they cover every constraint the schemas state.
import { describe, expect, test } from "vitest";
import { Contract } from "../../src/contract/contract.ts";
import { negativeBodies, negativeParams, sampleValue, validBody } from "../../src/contract/values.ts";
import type { SpecOperation } from "../../src/spec/model.ts";

const contract = Contract.load("ims");
const withBody = contract.operations.filter(
  (op): op is SpecOperation & { body: NonNullable<SpecOperation["body"]> } => op.body !== undefined,
);
const transportRules = ["malformed-json", "no-body", "media-type"];

/** The constraint keywords a schema states at its top level, in its properties and in their items. */
function statedKeywords(pointer: string): Set<string> {
  const constraints = [
    "required",
    "additionalProperties",
    "enum",
    "const",
    "pattern",
    "format",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "uniqueItems",
  ];
  const found = new Set<string>();
  const visit = (at: string, depth: number) => {
    const { pointer: real, schema } = contract.schemaAt(at);
    for (const k of constraints)
      if (k in schema && !(k === "additionalProperties" && schema[k] !== false))
        found.add(depth > 0 && at.endsWith("/items") ? "items" : k);
    if (depth > 1) return;
    for (const name of Object.keys((schema.properties ?? {}) as object)) visit(`${real}/properties/${name}`, depth + 1);
    if (schema.items) visit(`${real}/items`, depth + 1);
  };
  visit(pointer, 0);
  return found;
}

describe.each(withBody.map((op) => [op.id, op] as const))("%s", (_, op) => {
  const valid = validBody(contract, op) as Record<string, unknown>;
  const cases = negativeBodies(contract, op, valid);

  test("the valid body the flows start from passes the request schema", () => {
    expect(contract.errors(op.body.schema, valid)).toEqual([]);
  });

  test("every generated JSON body breaks the request schema", () => {
    const jsonCases = cases.filter((c) => !c.rules.some((r) => transportRules.includes(r)));
    expect(jsonCases.length).toBeGreaterThan(5);
    for (const c of jsonCases) expect(contract.errors(op.body.schema, c.body), c.description).not.toEqual([]);
  });

  test("the cases cover every constraint the schema states, plus the transport ones", () => {
    const covered = new Set(cases.flatMap((c) => c.rules));
    for (const keyword of statedKeywords(op.body.schema)) {
      // `format` never fails alone here: every formatted string also has a pattern.
      if (keyword !== "format" && keyword !== "const") expect(covered, keyword).toContain(keyword);
    }
    for (const rule of transportRules) expect(covered).toContain(rule);
    expect(covered).toContain("type");
  });

  test("a body case changes one property of the valid body at a time", () => {
    for (const c of cases.filter(
      (x) => x.body !== null && typeof x.body === "object" && !Array.isArray(x.body) && !x.contentType,
    )) {
      const body = c.body as Record<string, unknown>;
      const changed = [...new Set([...Object.keys(valid), ...Object.keys(body)])].filter(
        (k) => JSON.stringify(body[k]) !== JSON.stringify(valid[k]),
      );
      expect(changed, c.description).toHaveLength(1);
    }
  });
});

describe("path parameters", () => {
  test.each(contract.operations.filter((op) => op.pathParams.length > 0).map((op) => [op.id, op] as const))(
    "%s: each broken id breaks its schema and stays one path segment",
    (_, op) => {
      const valid = Object.fromEntries(op.pathParams.map((p) => [p.name, String(sampleValue(contract, p.schema))]));
      const cases = negativeParams(contract, op, valid);
      expect(new Set(cases.map((c) => c.name))).toEqual(new Set(op.pathParams.map((p) => p.name)));
      for (const c of cases) {
        const param = op.pathParams.find((p) => p.name === c.name);
        expect(contract.errors(param?.schema ?? "", c.value), c.description).not.toEqual([]);
        expect(c.value).not.toMatch(/^$|\/|^\.\.?$/);
      }
    },
  );
});

describe("sampled values", () => {
  test("ids are fresh on every call and valid for their schema", () => {
    const pointer = "#/components/schemas/ProjectId";
    const ids = new Set(Array.from({ length: 20 }, () => sampleValue(contract, pointer)));
    expect(ids.size).toBe(20);
    for (const id of ids) expect(contract.errors(pointer, id)).toEqual([]);
  });

  test("a body the suite builds wrongly is refused before it is sent", () => {
    expect(() => validBody(contract, contract.op("addImageMember"), { member: "not-a-project" })).toThrow(
      /invalid body/,
    );
  });
});
