// not_a_server_error: every request gets an answer, and no answer is a 5xx.
import { Findings } from "../findings.ts";
import { defineCheck } from "./check.ts";

export const notAServerError = defineCheck({
  kind: "response",
  name: "not_a_server_error",
  label: "no5xx",
  summary: "no 5xx, timeout or dropped connection",
  run(exchange, contract) {
    const f = new Findings(this.name, contract);
    const response = exchange.response;
    if (!response) f.judge(exchange.operation, false, "no5xx.no-response", `no response: ${exchange.error}`, exchange);
    else
      f.judge(
        exchange.operation,
        response.status < 500,
        `no5xx.${response.status}`,
        `server error ${response.status} ${response.statusText}`,
        exchange,
      );
    return f.list;
  },
});
