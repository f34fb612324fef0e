// timestamps: a fresh member has created_at == updated_at; a status change moves updated_at only;
// a member removed and added again is fresh again (created_at == updated_at, both new). Glance keeps
// the first created_at of a re-added member. Stamps have whole seconds, so the check waits a second
// between steps.
import { Findings } from "../findings.ts";
import type { Exchange } from "../http.ts";
import { jsonBody } from "../session.ts";
import { validBody } from "../values.ts";
import { defineCheck } from "./check.ts";
import { mayChangeState, offReason, primaryImage, sleep } from "./shared.ts";

interface Stamps {
  created_at?: unknown;
  updated_at?: unknown;
}

export const timestamps = defineCheck({
  kind: "active",
  name: "timestamps",
  label: "times",
  summary: "created_at == updated_at on a fresh and a re-added member; a status change moves updated_at only",
  async run(s) {
    const f = new Findings(this.name, s.contract);
    if (!mayChangeState(s)) {
      for (const id of ["addImageMember", "updateImageMember"]) f.skip(id, offReason);
      return f.list;
    }
    const image = primaryImage(s);
    const member = s.projectOf("member");
    const add = () =>
      s.call("addImageMember", {
        actor: "owner",
        params: { image_id: image },
        body: { member },
        purpose: "timestamps: the owner adds the member",
      });
    const fresh = (exchange: Exchange, rule: string, what: string): Stamps | undefined => {
      const row = jsonBody(exchange) as Stamps | undefined;
      if (exchange.response?.status !== 200 || !row) {
        f.inconclusive(
          "addImageMember",
          "times.set-up",
          `${what}: the add answered ${exchange.response?.status ?? exchange.error}`,
          exchange,
        );
        return undefined;
      }
      f.judge(
        "addImageMember",
        row.created_at === row.updated_at,
        rule,
        `${what}: created_at ${String(row.created_at)} should equal updated_at ${String(row.updated_at)}`,
        exchange,
      );
      return row;
    };
    const first = fresh(await add(), "times.fresh-created-equals-updated", "a new member");
    if (!first) return f.list;

    await sleep(1100);
    const accepted = await s.call("updateImageMember", {
      actor: "member",
      params: { image_id: image, member_id: member },
      body: validBody(s.contract, s.contract.op("updateImageMember"), { status: "accepted" }),
      purpose: "timestamps: the member accepts a second later",
    });
    const changed = jsonBody(accepted) as Stamps | undefined;
    if (accepted.response?.status === 200 && changed) {
      f.judge(
        "updateImageMember",
        changed.created_at === first.created_at && changed.updated_at !== first.updated_at,
        "times.status-change-moves-updated-only",
        `after a status change created_at should stay ${String(first.created_at)} and updated_at move from ${String(first.updated_at)}; got ${String(changed.created_at)} / ${String(changed.updated_at)}`,
        accepted,
      );
    } else
      f.inconclusive(
        "updateImageMember",
        "times.set-up",
        `the member could not accept: ${accepted.response?.status ?? accepted.error}`,
        accepted,
      );

    const removed = await s.call("removeImageMember", {
      actor: "owner",
      params: { image_id: image, member_id: member },
      purpose: "timestamps: the owner removes the member",
    });
    if (removed.response?.status !== s.contract.op("removeImageMember").successStatus) {
      f.inconclusive(
        "addImageMember",
        "times.set-up",
        `the member could not be removed: ${removed.response?.status ?? removed.error}`,
        removed,
      );
      return f.list;
    }
    await sleep(1100);
    const again = fresh(await add(), "times.readded-created-equals-updated", "a member added again after removal");
    if (again)
      f.judge(
        "addImageMember",
        again.created_at !== first.created_at,
        "times.readded-created-is-new",
        `a member added again should get a new created_at, not the first one (${String(first.created_at)})`,
        s.exchanges.at(-1),
      );
    return f.list;
  },
});
