// public_images: a public image takes no members, and says so (403) to whoever asks, the member
// and a stranger as well as the owner, rather than pretending not to exist (404).
import { Findings } from "../findings.ts";
import { defineCheck } from "./check.ts";
import { freshProject, mayChangeState, offReason } from "./shared.ts";

export const publicImages = defineCheck({
  kind: "active",
  name: "public_images",
  label: "public",
  summary: "list and add on a public image answer 403 to the owner, the member and a stranger",
  async run(s) {
    const f = new Findings(this.name, s.contract);
    const image = s.config.fixtures.publicImage;
    if (!image) {
      for (const id of ["listImageMembers", "addImageMember"]) f.skip(id, "no fixtures.publicImage configured");
      return f.list;
    }
    for (const actor of ["owner", "member", "stranger"] as const) {
      const listed = await s.call("listImageMembers", {
        actor,
        params: { image_id: image },
        purpose: `public_images: the ${actor} lists the members of a public image`,
      });
      f.expectStatus(listed, 403, `the ${actor} lists the members of a public image`, `public.list-as-${actor}-403`);
      // Adding is refused on a conforming server; one that wrongly obeys gets a fresh id, removed at clean-up.
      if (!mayChangeState(s)) {
        f.skip("addImageMember", offReason);
        continue;
      }
      const added = await s.call("addImageMember", {
        actor,
        params: { image_id: image },
        body: { member: freshProject(s) },
        purpose: `public_images: the ${actor} adds a member to a public image`,
      });
      f.expectStatus(added, 403, `the ${actor} adds a member to a public image`, `public.add-as-${actor}-403`);
    }
    return f.list;
  },
});
