// Batch answers (/v1, imsUpdateImageMembersJob): a recipient accepts or rejects many shares at once.
// What is refused up front, and what the job does for each image (DECISIONS.md, 26-29 and 32).
import { type AccessRules, actsFor, isOwner } from "./access.ts";
import type { JobResultRow, Store } from "./db.ts";
import { ApiError, ImsCode } from "./errors.ts";
import type { AnswerStatus, BatchUpdateImageMembersRequest } from "./types.ts";

const badRequest = (code: ImsCode, message: string) => new ApiError(400, message, code);

/**
 * The images of a batch answer, as the catalog spells them, once the whole request has passed: the
 * caller answers for its own project only, and only for images shared with it.
 */
export function checkAnswer(
  store: Store,
  access: AccessRules,
  caller: string,
  request: BatchUpdateImageMembersRequest,
): string[] {
  // The project comes first: a caller answering for another project learns nothing about images.
  if (!actsFor(caller, request.project_id))
    throw new ApiError(
      403,
      `Project ${request.project_id} is not the project of this token; a project answers only for itself.`,
      ImsCode.forbidden,
    );
  const images: string[] = [];
  for (const id of request.images) {
    // An image the caller is not a member of is reported as missing, like one that does not exist (decision 26).
    const image = access.visibleImage(caller, id);
    if (image && isOwner(caller, image))
      throw badRequest(
        ImsCode.shareWithSelf,
        `Image ${image.id} belongs to project ${caller}; an owner does not answer shares of its own images.`,
      );
    if (!image || !store.isMember(image.id, caller))
      throw badRequest(ImsCode.imageNotFound, `Image ${id} does not exist or is not shared with project ${caller}.`);
    if (images.includes(image.id)) throw badRequest(ImsCode.badRequest, `body/images lists image ${image.id} twice.`);
    images.push(image.id);
  }
  return images;
}

/**
 * One image of a batch answer, inside the job's chunk transaction: the membership takes the status;
 * one already in it is left alone (its `updated_at` too), and one withdrawn since the request fails.
 */
export function answerPair(
  store: Store,
  status: AnswerStatus,
  now: string,
): (pair: number, imageId: string, projectId: string) => JobResultRow {
  return (pair, imageId, projectId) => {
    const base = { pair, image_id: imageId, project_id: projectId, error_code: null, fail_reason: null };
    const member = store.member(imageId, projectId);
    if (!member)
      return {
        ...base,
        status: "failed",
        error_code: ImsCode.imageNotFound,
        fail_reason: `Image ${imageId} is no longer shared with project ${projectId}.`,
      };
    if (member.status !== status) store.updateMember(imageId, projectId, status, now);
    return { ...base, status: "success" };
  };
}
