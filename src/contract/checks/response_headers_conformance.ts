// response_headers_conformance: the headers a response declares are there when required and match
// their schemas.
import { Findings } from "../findings.ts";
import { defineCheck } from "./check.ts";
import { declaredResponse } from "./responses.ts";

export const responseHeadersConformance = defineCheck({
  kind: "response",
  name: "response_headers_conformance",
  label: "headers",
  summary: "declared required headers are present and match their schemas",
  run(exchange, contract) {
    const f = new Findings(this.name, contract);
    const found = declaredResponse(exchange, contract);
    if (!found) return f.list;
    const { op, response, declared } = found;
    for (const header of declared.headers) {
      const value = response.headers[header.name.toLowerCase()];
      if (value === undefined) {
        if (header.required)
          f.judge(
            op.id,
            false,
            `headers.${header.name}:missing`,
            `required header ${header.name} is missing from the ${response.status} response`,
            exchange,
          );
        continue;
      }
      const errors = header.schema ? contract.errors(header.schema, value) : [];
      f.judge(
        op.id,
        errors.length === 0,
        `headers.${header.name}:invalid`,
        `header ${header.name}: ${JSON.stringify(value)} ${errors.map((e) => e.message).join("; ")}`,
        exchange,
      );
    }
    return f.list;
  },
});
