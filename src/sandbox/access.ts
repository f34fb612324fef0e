// Who may do what to which image: the access rules that adding, listing, answering and removing
// members, batch sharing and the job worker all apply. Each caller turns a refusal into its own
// family's error; the rules themselves only say yes or no.
import type { Store } from "./db.ts";
import type { Catalog, SeedImage } from "./seed.ts";

export const defaultMemberLimit = 256;

export class AccessRules {
  constructor(
    private readonly store: Store,
    private readonly catalog: Catalog,
    /** Members one image may have. */
    readonly memberLimit: number,
  ) {}

  /**
   * The image if the caller may see it: it owns it, the image is public, or the caller is a member.
   * Undefined otherwise, so that an image the caller cannot see looks exactly like one that does not exist.
   */
  visibleImage(caller: string, imageId: string): SeedImage | undefined {
    const image = this.catalog.image(imageId);
    if (image && (isOwner(caller, image) || image.visibility === "public" || this.store.isMember(image.id, caller)))
      return image;
    return undefined;
  }

  /** Whether an image that has `count` members is at its member limit. */
  isFull(count: number): boolean {
    return count >= this.memberLimit;
  }
}

/** Only the owner shares an image, lists all its members and withdraws a share. */
export function isOwner(caller: string, image: SeedImage): boolean {
  return image.owner === caller;
}

/** Public images take no members. */
export function takesMembers(image: SeedImage): boolean {
  return image.visibility !== "public";
}

/** A project reads only its own jobs. */
export function ownsJobs(caller: string, projectId: string): boolean {
  return projectId === caller;
}
