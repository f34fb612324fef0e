// status_code_conformance: every status a response carries is declared for its operation.
import { Findings } from "../findings.ts";
import { defineCheck } from "./check.ts";

export const statusCodeConformance = defineCheck({
  kind: "response",
  name: "status_code_conformance",
  label: "status",
  summary: "every status returned is declared for the operation",
  run(exchange, contract) {
    const f = new Findings(this.name, contract);
    const status = exchange.response?.status;
    if (status === undefined) return f.list;
    const op = contract.op(exchange.operation);
    f.judge(
      op.id,
      contract.declares(op, status),
      `status.undeclared-${status}`,
      `${status} is not declared for ${op.id} (declared: ${[...op.responses.keys()].join(", ")})`,
      exchange,
    );
    return f.list;
  },
});
