// response_schema_conformance: a JSON body validates against the schema its response declares.
import { formatErrors } from "../../spec/ajv.ts";
import { Findings } from "../findings.ts";
import { isJsonMediaType } from "../http.ts";
import { defineCheck } from "./check.ts";
import { declaredMediaType, declaredResponse } from "./responses.ts";

export const responseSchemaConformance = defineCheck({
  kind: "response",
  name: "response_schema_conformance",
  label: "schema",
  summary: "the body validates against the declared schema (Ajv, JSON Schema 2020-12)",
  run(exchange, contract) {
    const f = new Findings(this.name, contract);
    const found = declaredResponse(exchange, contract);
    if (!found) return f.list;
    const { op, response, declared } = found;
    const contentType = response.headers["content-type"];
    const match = declaredMediaType(declared, contentType);
    const schema = match ? declared.content.get(match) : undefined;
    if (!schema || !isJsonMediaType(contentType)) return f.list;
    const name = schema.startsWith("#/components/schemas/") ? schema.slice("#/components/schemas/".length) : schema;
    let value: unknown;
    try {
      value = JSON.parse(response.body);
    } catch (err) {
      f.judge(op.id, false, `schema.${name}:not-json`, `body is not valid JSON (${(err as Error).message})`, exchange);
      return f.list;
    }
    const errors = contract.errors(schema, value);
    // The rule names the broken places without array indices, so the same defect in two rows is one cause.
    const places = [...new Set(errors.map((e) => `${e.instancePath.replace(/\/\d+(?=\/|$)/g, "/*")}:${e.keyword}`))];
    f.judge(
      op.id,
      errors.length === 0,
      `schema.${name}${places.length > 0 ? ` ${places.sort().join(" ")}` : ""}`,
      `body breaks ${name}:\n${formatErrors(errors).join("\n")}`,
      exchange,
    );
    return f.list;
  },
});
