// path_robustness: path segments no id can be (invalid percent-encoding, bytes that are not UTF-8,
// an over-long id) get the 4xx the spec declares for a malformed path parameter, as JSON in the
// declared shape, with or without credentials; never a 5xx. Glance answers `%FF` with an empty 500.
import { Findings } from "../findings.ts";
import type { ActorName } from "../session.ts";
import { defineCheck } from "./check.ts";
import { errorBodyProblem, primaryImage } from "./shared.ts";

const segments: { id: string; what: string; raw: string }[] = [
  { id: "invalid-percent-encoding", what: "invalid percent-encoding", raw: "%ZZ" },
  { id: "not-utf-8", what: "a byte that is not UTF-8", raw: "%FF" },
  { id: "overlong-utf-8", what: "an over-long UTF-8 sequence", raw: "%C0%AF" },
  { id: "over-long-id", what: "a 4,000-character id", raw: "a".repeat(4000) },
];

export const pathRobustness = defineCheck({
  kind: "active",
  name: "path_robustness",
  label: "path",
  summary: "malformed path segments get the declared 400 (401 without credentials) in JSON, never 5xx",
  async run(s) {
    const f = new Findings(this.name, s.contract);
    const image = primaryImage(s);
    for (const op of s.contract.operations.filter((o) => o.method === "GET")) {
      for (const param of op.pathParams) {
        for (const segment of segments) {
          const path = op.path.replace(/\{([^}]+)\}/g, (_, name: string) =>
            name === param.name
              ? segment.raw
              : encodeURIComponent(
                  name === "image_id" ? image : name === "project_id" ? s.projectOf("owner") : s.projectOf("member"),
                ),
          );
          for (const actor of ["owner", "anonymous"] as ActorName[]) {
            const exchange = await s.call(op.id, {
              actor,
              params: {},
              rawPath: path,
              purpose: `path_robustness: ${param.name} is ${segment.what}, as ${actor}`,
            });
            const allowed = actor === "anonymous" ? [400, 401] : [400];
            const status = exchange.response?.status;
            const problem =
              status === undefined || !allowed.includes(status)
                ? `expected ${allowed.join(" or ")}, got ${status ?? exchange.error}`
                : errorBodyProblem(s, exchange);
            f.judge(
              op.id,
              problem === undefined,
              `path.${param.name}:${segment.id}${actor === "anonymous" ? ":anonymous" : ""}`,
              `${param.name} is ${segment.what} (as ${actor}): ${problem}`,
              exchange,
            );
          }
        }
      }
    }
    return f.list;
  },
});
