// The rules of image membership: who may add, see, answer and remove a member, and when an image
// cannot take one. Every method runs in one SQLite transaction, so concurrent requests see each
// other's writes in order and the member limit holds.
import { type AccessRules, isOwner, takesMembers } from "./access.ts";
import type { MemberRow, Store } from "./db.ts";
import { ApiError, forbidden, notFound } from "./errors.ts";
import type { SeedImage } from "./seed.ts";
import { type Clock, memberTime } from "./time.ts";
import type { ImageMember, ImageMemberList, MemberStatus } from "./types.ts";

/** Field order as Glance sends it. */
export function toMember(row: MemberRow): ImageMember {
  return {
    member_id: row.member_id,
    image_id: row.image_id,
    status: row.status,
    created_at: row.created_at,
    updated_at: row.updated_at,
    schema: "/v2/schemas/member",
  };
}

export class MemberRules {
  constructor(
    private readonly store: Store,
    private readonly access: AccessRules,
    private readonly clock: Clock,
  ) {}

  /** The owner shares a private or shared image with a project; the new member is `pending`. */
  add(caller: string, imageId: string, memberId: string): ImageMember {
    return this.store.write(() => {
      const image = this.visibleImage(caller, imageId);
      if (!takesMembers(image))
        throw forbidden(`Not allowed to create members for image ${image.id}: public images cannot have members.`);
      if (!isOwner(caller, image))
        throw forbidden(`Not allowed to create members for image ${image.id}: only the image owner may share it.`);
      // The limit comes before the duplicate check, as in Glance: a full image answers 413 even for an existing member.
      const count = this.store.memberCount(image.id);
      if (this.access.isFull(count)) {
        throw new ApiError(
          413,
          `Image member limit exceeded for image ${image.id}: attempted ${count + 1}, maximum ${this.access.memberLimit}.`,
        );
      }
      if (this.store.isMember(image.id, memberId))
        throw new ApiError(409, `Member ${memberId} is duplicated for image ${image.id}.`);
      const now = memberTime(this.clock());
      this.store.insertMember(image.id, memberId, now);
      return toMember({ member_id: memberId, image_id: image.id, status: "pending", created_at: now, updated_at: now });
    });
  }

  /** The owner sees every member, a member only its own row, oldest first. */
  list(caller: string, imageId: string): ImageMemberList {
    const image = this.visibleImage(caller, imageId);
    if (!takesMembers(image))
      throw forbidden(`Not allowed to list members for image ${image.id}: public images have no members.`);
    if (isOwner(caller, image))
      return { members: this.store.members(image.id).map(toMember), schema: "/v2/schemas/members" };
    const own = this.store.member(image.id, caller);
    return { members: own ? [toMember(own)] : [], schema: "/v2/schemas/members" };
  }

  /** The owner reads any member; a member reads only itself; everything else is 404. */
  show(caller: string, imageId: string, memberId: string): ImageMember {
    return toMember(this.readableMember(caller, imageId, memberId).row);
  }

  /** Only the member itself answers a share; any status may follow any other. */
  update(caller: string, imageId: string, memberId: string, status: MemberStatus): ImageMember {
    return this.store.write(() => {
      const { image, row } = this.readableMember(caller, imageId, memberId);
      // The owner may not answer for a member, even for its own project added as one.
      if (isOwner(caller, image)) {
        throw forbidden(
          `Not allowed to update members for image ${image.id}: only the member project may accept or reject a share.`,
        );
      }
      const now = memberTime(this.clock());
      this.store.updateMember(image.id, memberId, status, now);
      return toMember({ ...row, status, updated_at: now });
    });
  }

  /** Only the owner withdraws a share; the member itself gets 403 (it may reject instead). */
  remove(caller: string, imageId: string, memberId: string): void {
    this.store.write(() => {
      const { image } = this.readableMember(caller, imageId, memberId);
      if (!isOwner(caller, image))
        throw forbidden(
          `Not allowed to delete members for image ${image.id}: only the image owner may remove members.`,
        );
      this.store.deleteMember(image.id, memberId);
    });
  }

  /** The image if the caller may see it; 404 otherwise, so nothing leaks. */
  private visibleImage(caller: string, imageId: string): SeedImage {
    const image = this.access.visibleImage(caller, imageId);
    if (!image) throw notFound(`Image ${imageId} not found.`);
    return image;
  }

  private readableMember(caller: string, imageId: string, memberId: string): { image: SeedImage; row: MemberRow } {
    const image = this.visibleImage(caller, imageId);
    const row = isOwner(caller, image) || memberId === caller ? this.store.member(image.id, memberId) : undefined;
    if (!row) throw notFound(`Member ${memberId} not found in the member list of image ${image.id}.`);
    return { image, row };
  }
}
