// authentication: every operation that declares security answers 401 to a request with no
// credentials and to one with made-up credentials. The requests name resources that do not exist,
// so a server that ignores credentials still changes nothing.
import type { Session } from "../session.ts";
import { sampleValue, validBody } from "../values.ts";

export async function authentication(s: Session): Promise<void> {
  for (const op of s.contract.operations) {
    if (!op.requiresAuth) {
      s.skip("authentication", op.id, "the spec declares no security requirement");
      continue;
    }
    if (op.method === "DELETE" && !s.config.destructive) {
      s.skip("authentication", op.id, "destructive steps are off");
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
      s.expectStatus("authentication", exchange, 401, label);
    }
  }
}
