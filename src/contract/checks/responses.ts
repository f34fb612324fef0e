// Helpers of the response checks: the declared response an exchange got, and the declared media
// type its Content-Type matches.
import type { ResponseSpec, SpecOperation } from "../../spec/model.ts";
import type { Contract } from "../contract.ts";
import { type Exchange, mediaType, type RecordedResponse } from "../http.ts";

export function declaredResponse(
  exchange: Exchange,
  contract: Contract,
): { op: SpecOperation; response: RecordedResponse; declared: ResponseSpec } | undefined {
  const response = exchange.response;
  if (!response) return undefined;
  const op = contract.op(exchange.operation);
  const declared = contract.response(op, response.status);
  return declared ? { op, response, declared } : undefined;
}

/** The declared media type that `contentType` matches (wildcards allowed in the declaration). */
export function declaredMediaType(declared: ResponseSpec, contentType: string | undefined): string | undefined {
  const received = mediaType(contentType);
  return [...declared.content.keys()].find((type) => {
    const [t, sub] = type.toLowerCase().split("/");
    const [rt, rsub] = received.split("/");
    return (t === "*" || t === rt) && (sub === "*" || sub === rsub);
  });
}
