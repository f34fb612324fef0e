// The named checks, in report order. Response checks judge every response the suite receives;
// the others send their own requests.
export const checkNames = [
  "status_code_conformance",
  "content_type_conformance",
  "response_schema_conformance",
  "response_headers_conformance",
  "not_a_server_error",
  "negative_data_rejection",
  "authentication",
  "authorisation",
  "stateful_flows",
] as const;

export type CheckName = (typeof checkNames)[number];

export const responseChecks: readonly CheckName[] = checkNames.slice(0, 5);

export const checkInfo: Record<CheckName, { label: string; summary: string }> = {
  status_code_conformance: { label: "status", summary: "every status returned is declared for the operation" },
  content_type_conformance: {
    label: "ctype",
    summary: "the Content-Type is one the response declares; bodyless responses stay empty",
  },
  response_schema_conformance: {
    label: "schema",
    summary: "the body validates against the declared schema (Ajv, JSON Schema 2020-12)",
  },
  response_headers_conformance: {
    label: "headers",
    summary: "declared required headers are present and match their schemas",
  },
  not_a_server_error: { label: "no5xx", summary: "no 5xx, timeout or dropped connection" },
  negative_data_rejection: { label: "negative", summary: "requests that break the request schema get a declared 4xx" },
  authentication: { label: "authn", summary: "missing and bogus credentials get 401" },
  authorisation: {
    label: "authz",
    summary: "stranger 404, member cannot add/remove (403), owner cannot set a status (403)",
  },
  stateful_flows: { label: "flows", summary: "the flows the spec's links describe behave as documented" },
};

/** Named sets accepted wherever a list of checks is (`--checks schema`). */
export const checkPresets: Record<string, readonly CheckName[]> = {
  all: checkNames,
  schema: responseChecks,
};
