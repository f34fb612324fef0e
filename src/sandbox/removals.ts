// Batch removal (/v1, imsDelImageMembersJob): what the job does for each image x project pair.
// The request is checked up front like a batch share (batch.ts, DECISIONS.md 33-34).
import type { JobResultRow, Store } from "./db.ts";

/**
 * One pair of a batch removal, inside the job's chunk transaction: the membership goes, whatever its
 * status. A project that is not (or no longer) a member counts as a success too: it has no access
 * afterwards either way, so a repeated removal reports no failures (decision 30).
 */
export function removePair(store: Store): (pair: number, imageId: string, projectId: string) => JobResultRow {
  return (pair, imageId, projectId) => {
    store.deleteMember(imageId, projectId);
    return { pair, image_id: imageId, project_id: projectId, status: "success", error_code: null, fail_reason: null };
  };
}
