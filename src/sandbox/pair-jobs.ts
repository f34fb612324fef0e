// Batch answers and removals in the job worker: jobs written pair by pair, each pair by its type's
// rule (answers.ts, removals.ts). Like batch sharing in jobs.ts, a chunk writes its pairs, their
// results and the job's progress in one transaction, so a resumed job starts at its first
// uncommitted pair and writes no pair twice.
import { answerPair } from "./answers.ts";
import type { JobResultRow, JobRow, ResultValues, Store } from "./db.ts";
import { ImsCode } from "./errors.ts";
import { removePair } from "./removals.ts";
import { type Clock, jobTime, memberTime } from "./time.ts";
import type { JobType } from "./types.ts";

/** Writes one image x project pair of a job and says how it went. */
type PairWriter = (pair: number, imageId: string, projectId: string) => JobResultRow;

/** The job types written pair by pair here; batch sharing has its own chunk writer in jobs.ts. */
export function isPairByPair(jobType: JobType | undefined): boolean {
  return jobType === "imsUpdateImageMembersJob" || jobType === "imsDelImageMembersJob";
}

function pairWriter(store: Store, job: JobRow, now: string): PairWriter {
  if (job.job_type === "imsDelImageMembersJob") return removePair(store);
  const status = store.answer(job.job_id);
  if (!status) throw new Error(`job ${job.job_id} has no recorded answer`);
  return answerPair(store, status, now);
}

/** Writes the next chunk of a batch answer or removal; true once the job is over. */
export function runPairChunk(store: Store, clock: Clock, chunkSize: number, jobId: string): boolean {
  return store.write(() => {
    const job = store.job(jobId);
    if (!job || job.status === "SUCCESS" || job.status === "FAIL") return true;
    const images = JSON.parse(job.images) as string[];
    const projects = JSON.parse(job.projects) as string[];
    const end = Math.min(job.total, job.done + chunkSize);
    const write = pairWriter(store, job, memberTime(clock()));
    let failed = job.failed;
    const results: ResultValues = [];
    for (let pair = job.done; pair < end; pair++) {
      const result = write(
        pair,
        images[Math.floor(pair / projects.length)] as string,
        projects[pair % projects.length] as string,
      );
      if (result.status === "failed") failed++;
      results.push(
        jobId,
        pair,
        result.image_id,
        result.project_id,
        result.status,
        result.error_code,
        result.fail_reason,
      );
    }
    store.insertResults(results);
    store.advanceJob(jobId, end, failed);
    if (end < job.total) return false;
    if (failed === 0) store.finishJob(jobId, "SUCCESS", jobTime(clock()), null, null);
    else
      store.finishJob(
        jobId,
        "FAIL",
        jobTime(clock()),
        store.firstFailureCode(jobId) ?? ImsCode.internal,
        `${failed} of ${job.total} pairs failed.`,
      );
    return true;
  });
}
