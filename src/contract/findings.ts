// What a check returns: findings, one per thing it judged. A check collects them with a `Findings`
// helper and hands them back; the runner gathers every check's findings into cells.

import type { Contract } from "./contract.ts";
import type { Exchange } from "./http.ts";

/**
 * `pass`/`fail`: judged. `inconclusive`: the server's state kept the check from judging (a set-up
 * step or the positive control failed), which is never a pass. `skip`: not applicable, or left out
 * by the config. `note`: something the report should mention that is none of these.
 */
export type Outcome = "pass" | "fail" | "inconclusive" | "skip" | "note";

export interface Finding {
  check: string;
  operation: string;
  outcome: Outcome;
  /** Stable id of the rule judged (`status.undeclared-201`, `negative.body/member:pattern`): the same cause gives the same id in every run. */
  rule: string;
  reason: string;
  exchange?: Exchange;
}

export class Findings {
  readonly list: Finding[] = [];

  constructor(
    readonly check: string,
    readonly contract: Contract,
  ) {}

  judge(operation: string, ok: boolean, rule: string, reason: string, exchange?: Exchange): boolean {
    this.add(operation, ok ? "pass" : "fail", rule, reason, exchange);
    return ok;
  }

  skip(operation: string, reason: string): void {
    this.add(operation, "skip", "skipped", reason);
  }

  note(operation: string, text: string): void {
    this.add(operation, "note", "note", text);
  }

  inconclusive(operation: string, rule: string, reason: string, exchange?: Exchange): void {
    this.add(operation, "inconclusive", rule, reason, exchange);
  }

  /**
   * Judges that the response has one of the `expected` statuses, each of which the spec must
   * declare. The rule id defaults to `what` in kebab case.
   */
  expectStatus(exchange: Exchange, expected: number | number[], what: string, rule = slug(what)): boolean {
    const statuses = Array.isArray(expected) ? expected : [expected];
    const op = this.contract.op(exchange.operation);
    const undeclared = statuses.filter((s) => !this.contract.declares(op, s));
    if (undeclared.length > 0) {
      return this.judge(
        op.id,
        false,
        `suite.undeclared-expectation`,
        `${what}: the suite expects ${undeclared.join("/")}, which the spec does not declare for ${op.id}`,
        exchange,
      );
    }
    const got = exchange.response?.status;
    const ok = got !== undefined && statuses.includes(got);
    return this.judge(
      op.id,
      ok,
      rule,
      `${what}: expected ${statuses.join(" or ")}, got ${got ?? `no response (${exchange.error})`}`,
      exchange,
    );
  }

  private add(operation: string, outcome: Outcome, rule: string, reason: string, exchange?: Exchange): void {
    this.list.push(
      exchange
        ? { check: this.check, operation, outcome, rule, reason, exchange }
        : { check: this.check, operation, outcome, rule, reason },
    );
  }
}

/** `the stranger lists the members` -> `the-stranger-lists-the-members`. */
function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9/_.:]+/g, "-")
    .replace(/^-|-$/g, "");
}
