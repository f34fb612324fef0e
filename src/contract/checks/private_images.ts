// private_images: the contract lets private images take members (DECISIONS #7): on each of the
// optional `fixtures.privateImages`, the owner adds, lists, reads and removes a member as on a
// shared image. Glance refuses (add and list 403, show 404).
import { Findings } from "../findings.ts";
import { jsonBody } from "../session.ts";
import { defineCheck } from "./check.ts";
import { freshProject, mayChangeState, memberRows, offReason } from "./shared.ts";

const operations = ["addImageMember", "listImageMembers", "showImageMember", "removeImageMember"];

export const privateImages = defineCheck({
  kind: "active",
  name: "private_images",
  label: "private",
  summary: "a private image (fixtures.privateImages) takes, lists, shows and removes members",
  async run(s) {
    const f = new Findings(this.name, s.contract);
    const images = s.config.fixtures.privateImages;
    if (images.length === 0 || !mayChangeState(s)) {
      for (const id of operations) f.skip(id, images.length === 0 ? "no fixtures.privateImages configured" : offReason);
      return f.list;
    }
    for (const image of images) {
      const project = freshProject(s);
      const onImage = { image_id: image };
      const added = await s.call("addImageMember", {
        actor: "owner",
        params: onImage,
        body: { member: project },
        purpose: "private_images: the owner adds a member to a private image",
      });
      if (!f.expectStatus(added, 200, "adding a member to a private image", "private.add")) continue;
      const listed = await s.call("listImageMembers", {
        actor: "owner",
        params: onImage,
        purpose: "private_images: the owner lists the members of a private image",
      });
      if (f.expectStatus(listed, 200, "listing the members of a private image", "private.list"))
        f.judge(
          "listImageMembers",
          memberRows(listed)?.some((r) => r.member_id === project) === true,
          "private.list-contains",
          `the list of private image ${image} should contain ${project}`,
          listed,
        );
      const shown = await s.call("showImageMember", {
        actor: "owner",
        params: { ...onImage, member_id: project },
        purpose: "private_images: the owner reads a member of a private image",
      });
      if (f.expectStatus(shown, 200, "reading a member of a private image", "private.show"))
        f.judge(
          "showImageMember",
          (jsonBody(shown) as { member_id?: unknown } | undefined)?.member_id === project,
          "private.show-member",
          `show should return ${project}`,
          shown,
        );
      const removed = await s.call("removeImageMember", {
        actor: "owner",
        params: { ...onImage, member_id: project },
        purpose: "private_images: the owner removes the member",
      });
      f.expectStatus(
        removed,
        s.contract.op("removeImageMember").successStatus,
        "removing a member of a private image",
        "private.remove",
      );
    }
    return f.list;
  },
});
