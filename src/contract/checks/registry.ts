// The named checks, in the order they run and are reported. The config's `checks` list is validated
// against this registry, so adding a check means one module in checks/ and one line here.
import { authentication } from "./authentication.ts";
import { authorisation } from "./authorisation.ts";
import { batchRules } from "./batch_rules.ts";
import { bodyLimit } from "./body_limit.ts";
import type { ActiveCheck, Check, ResponseCheck } from "./check.ts";
import { contentTypeConformance } from "./content_type_conformance.ts";
import { documentedCodes } from "./documented_codes.ts";
import { errorMedia } from "./error_media.ts";
import { memberLimit } from "./member_limit.ts";
import { negativeDataRejection } from "./negative_data_rejection.ts";
import { notAServerError } from "./not_a_server_error.ts";
import { pathRobustness } from "./path_robustness.ts";
import { privateImages } from "./private_images.ts";
import { publicImages } from "./public_images.ts";
import { responseHeadersConformance } from "./response_headers_conformance.ts";
import { responseSchemaConformance } from "./response_schema_conformance.ts";
import { statefulFlows } from "./stateful_flows.ts";
import { statusCodeConformance } from "./status_code_conformance.ts";
import { timestamps } from "./timestamps.ts";

export const registry = [
  statusCodeConformance,
  contentTypeConformance,
  responseSchemaConformance,
  responseHeadersConformance,
  notAServerError,
  authentication,
  statefulFlows,
  negativeDataRejection,
  authorisation,
  errorMedia,
  pathRobustness,
  bodyLimit,
  timestamps,
  privateImages,
  publicImages,
  batchRules,
  memberLimit,
  // Last: it also judges the /v2 errors every check before it caused.
  documentedCodes,
] as const;

export type CheckName = (typeof registry)[number]["name"];

export const checkNames: readonly CheckName[] = registry.map((c) => c.name);

export function checkOf(name: CheckName): Check {
  return registry.find((c) => c.name === name) as Check;
}

export const responseChecks: readonly CheckName[] = registry.filter((c) => c.kind === "response").map((c) => c.name);

export const activeChecks: readonly ActiveCheck[] = registry.filter(
  (c): c is (typeof registry)[number] & ActiveCheck => c.kind === "active",
);

export const responseCheckList: readonly ResponseCheck[] = registry.filter(
  (c): c is (typeof registry)[number] & ResponseCheck => c.kind === "response",
);

/** Named sets accepted wherever a list of checks is (`--checks schema`). `all` leaves out opt-in checks. */
export const checkPresets: Record<string, readonly CheckName[]> = {
  all: registry.filter((c: Check) => !(c.kind === "active" && c.optIn)).map((c) => c.name),
  schema: responseChecks,
};
