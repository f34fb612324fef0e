// error_media: errors are JSON in the spec's shape whatever the caller puts in Accept. Real Glance
// answers HTML to `*/*` and `text/html` and plain text when Accept is absent; the spec says JSON
// always (DECISIONS #25).
import { Findings } from "../findings.ts";
import type { CallOptions } from "../session.ts";
import { randomHex } from "../values.ts";
import { defineCheck } from "./check.ts";
import { errorBodyProblem, primaryImage } from "./shared.ts";

const accepts: { label: string; accept: string | null }[] = [
  { label: "no Accept", accept: null },
  { label: "Accept */*", accept: "*/*" },
  { label: "Accept text/html", accept: "text/html" },
];

export const errorMedia = defineCheck({
  kind: "active",
  name: "error_media",
  label: "errmedia",
  summary: "errors are JSON in the declared shape with Accept absent, */* and text/html",
  async run(s) {
    const f = new Findings(this.name, s.contract);
    const image = primaryImage(s);
    // Errors any caller can cause without changing state: an unknown member, no credentials, an unknown job.
    const cases: [string, CallOptions][] = [
      [
        "showImageMember",
        { actor: "owner", params: { image_id: image, member_id: randomHex(32) }, purpose: "an unknown member" },
      ],
      ["listImageMembers", { actor: "anonymous", params: { image_id: image }, purpose: "no credentials" }],
    ];
    if (s.contract.has("showJob"))
      cases.push([
        "showJob",
        {
          actor: "owner",
          params: { project_id: s.projectOf("owner"), job_id: randomHex(32) },
          purpose: "an unknown job",
        },
      ]);
    for (const [operation, options] of cases) {
      for (const { label, accept } of accepts) {
        const exchange = await s.call(operation, {
          ...options,
          accept,
          purpose: `error_media: ${options.purpose}, ${label}`,
        });
        const status = exchange.response?.status ?? 0;
        const problem = status >= 400 ? errorBodyProblem(s, exchange) : `expected an error, got ${status}`;
        f.judge(
          operation,
          problem === undefined,
          `errmedia.${label.toLowerCase().replace(/[^a-z]+/g, "-")}`,
          `${options.purpose} with ${label}: ${problem}`,
          exchange,
        );
      }
    }
    return f.list;
  },
});
