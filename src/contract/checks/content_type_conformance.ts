// content_type_conformance: the Content-Type is one the declared response names; a response that
// declares no body stays empty.
import { Findings } from "../findings.ts";
import { mediaType } from "../http.ts";
import { defineCheck } from "./check.ts";
import { declaredMediaType, declaredResponse } from "./responses.ts";

export const contentTypeConformance = defineCheck({
  kind: "response",
  name: "content_type_conformance",
  label: "ctype",
  summary: "the Content-Type is one the response declares; bodyless responses stay empty",
  run(exchange, contract) {
    const f = new Findings(this.name, contract);
    const found = declaredResponse(exchange, contract);
    if (!found) return f.list;
    const { op, response, declared } = found;
    if (declared.content.size === 0) {
      f.judge(
        op.id,
        response.body.length === 0,
        `ctype.body-on-${response.status}`,
        `${response.status} declares no body, but ${response.body.length} bytes came back`,
        exchange,
      );
      return f.list;
    }
    const contentType = response.headers["content-type"];
    f.judge(
      op.id,
      declaredMediaType(declared, contentType) !== undefined,
      `ctype.${response.status}-${mediaType(contentType) || "none"}`,
      contentType === undefined
        ? "no Content-Type header"
        : `Content-Type ${contentType} is not declared for ${response.status} (declared: ${[...declared.content.keys()].join(", ")})`,
      exchange,
    );
    return f.list;
  },
});
