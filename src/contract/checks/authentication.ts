// authentication: every operation that declares security answers 401 to a request with no
// credentials and to one with made-up credentials. The requests name resources that do not exist,
// so a server that ignores credentials still changes nothing.
import { Findings } from "../findings.ts";
import { sampleValue, validBody } from "../values.ts";
import { defineCheck } from "./check.ts";
import { mayChangeState, offReason } from "./shared.ts";

export const authentication = defineCheck({
  kind: "active",
  name: "authentication",
  label: "authn",
  summary: "missing and bogus credentials get 401",
  async run(s) {
    const f = new Findings(this.name, s.contract);
    for (const op of s.contract.operations) {
      if (!op.requiresAuth) {
        f.skip(op.id, "the spec declares no security requirement");
        continue;
      }
      if (op.method !== "GET" && !mayChangeState(s)) {
        f.skip(op.id, offReason);
        continue;
      }
      const params = Object.fromEntries(
        op.pathParams.map((p) => [
          p.name,
          p.name === "project_id" ? s.projectOf("owner") : String(sampleValue(s.contract, p.schema)),
        ]),
      );
      const body = op.body ? validBody(s.contract, op) : undefined;
      for (const [actor, label] of [
        ["anonymous", "no credentials"],
        ["bogus", "bogus credentials"],
      ] as const) {
        const exchange = await s.call(op.id, { actor, params, body, purpose: `authentication: ${label}` });
        f.expectStatus(exchange, 401, label);
      }
    }
    return f.list;
  },
});
