// The shape of a named check. A response check is a function of one exchange; an active check
// sends its own requests through the session. Both return findings, which the runner collects.
import type { Contract } from "../contract.ts";
import type { Finding } from "../findings.ts";
import type { Exchange } from "../http.ts";
import type { Session } from "../session.ts";

interface CheckInfo<N extends string> {
  name: N;
  /** Column heading in the table (at most 8 characters). */
  label: string;
  summary: string;
}

export interface ResponseCheck<N extends string = string> extends CheckInfo<N> {
  kind: "response";
  /** Judges one exchange, whichever check sent it. */
  run(exchange: Exchange, contract: Contract): Finding[];
}

export interface ActiveCheck<N extends string = string> extends CheckInfo<N> {
  kind: "active";
  /** Runs only when named in `checks`, never as part of `all`. */
  optIn?: boolean;
  /** Also runs, unjudged, when only response checks are selected, to give them responses to judge. */
  walk?: boolean;
  run(session: Session): Promise<Finding[]>;
}

export type Check<N extends string = string> = ResponseCheck<N> | ActiveCheck<N>;

/** Keeps the literal name of a check in its type, so the registry can derive the list of names. */
export function defineCheck<N extends string, C extends Check<N>>(check: C & { name: N }): C & { name: N } {
  return check;
}
