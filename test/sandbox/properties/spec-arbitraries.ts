// fast-check arbitraries of values valid against a schema of the spec, found by JSON pointer. They
// cover the keywords the spec's request schemas use (type, enum, const, pattern, min/maxLength,
// required/properties, min/maxItems, uniqueItems, $ref); anything they make is checked with Ajv
// against the same pointer, so a keyword they do not know cannot slip an invalid value through.
import fc from "fast-check";
import { type OpenApiDocument, resolvePointer, type SchemaValidator } from "../../../src/spec/openapi.ts";

type Schema = Record<string, unknown>;

export interface SchemaArbitraries {
  /** Values valid against the schema at `pointer`. */
  valid(pointer: string): fc.Arbitrary<unknown>;
}

/**
 * `hints` adds values for a schema pointer (for example the seed's image ids for
 * `#/components/schemas/ImageId`), mixed in with the generated ones wherever that schema is reached.
 * Arrays are kept short (at most `maxExtraItems` above `minItems`) so requests stay cheap.
 */
export function schemaArbitraries(
  doc: OpenApiDocument,
  validator: SchemaValidator,
  hints: Record<string, readonly unknown[]> = {},
  maxExtraItems = 3,
): SchemaArbitraries {
  const cache = new Map<string, fc.Arbitrary<unknown>>();

  const valid = (pointer: string): fc.Arbitrary<unknown> => {
    let arbitrary = cache.get(pointer);
    if (!arbitrary) {
      const made = build(pointer);
      const hinted = hints[pointer];
      const mixed = hinted && hinted.length > 0 ? fc.oneof(fc.constantFrom(...hinted), made) : made;
      arbitrary = mixed.filter((value) => validator.errors(pointer, value).length === 0);
      cache.set(pointer, arbitrary);
    }
    return arbitrary;
  };

  const build = (pointer: string): fc.Arbitrary<unknown> => {
    const schema = resolvePointer<Schema>(doc, pointer);
    if (typeof schema.$ref === "string") return valid(schema.$ref);
    if ("const" in schema) return fc.constant(schema.const);
    if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    return fc.oneof(...types.map((type) => ofType(pointer, schema, type)));
  };

  const ofType = (pointer: string, schema: Schema, type: string): fc.Arbitrary<unknown> => {
    switch (type) {
      case "null":
        return fc.constant(null);
      case "boolean":
        return fc.boolean();
      case "integer":
        return fc.integer({ min: Number(schema.minimum ?? -1e6), max: Number(schema.maximum ?? 1e6) });
      case "string":
        return typeof schema.pattern === "string"
          ? fc.stringMatching(new RegExp(schema.pattern))
          : fc.string({ minLength: Number(schema.minLength ?? 0), maxLength: Number(schema.maxLength ?? 40) });
      case "array": {
        const minLength = Number(schema.minItems ?? 0);
        const maxLength = Math.min(Number(schema.maxItems ?? minLength + maxExtraItems), minLength + maxExtraItems);
        const item = valid(`${pointer}/items`);
        return schema.uniqueItems === true
          ? fc.uniqueArray(item, { minLength, maxLength, selector: (v) => JSON.stringify(v) })
          : fc.array(item, { minLength, maxLength });
      }
      case "object": {
        const properties = Object.keys((schema.properties ?? {}) as Schema);
        const required = (schema.required ?? []) as string[];
        return fc.record(Object.fromEntries(properties.map((name) => [name, valid(`${pointer}/properties/${name}`)])), {
          requiredKeys: required.filter((name) => properties.includes(name)),
        });
      }
      default:
        throw new Error(`${pointer}: no arbitrary for type ${type}`);
    }
  };

  return { valid };
}
