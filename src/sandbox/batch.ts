// Batch sharing (/v1): checks a whole request before anything is shared, records it as a job for
// the worker, and reports jobs back to the project that started them.
import { randomUUID } from "node:crypto";
import { type AccessRules, isOwner, ownsJobs, takesMembers } from "./access.ts";
import type { JobResultRow, Store } from "./db.ts";
import { ApiError, ImsCode, notFound } from "./errors.ts";
import type { JobRunner } from "./jobs.ts";
import { type Clock, jobTime } from "./time.ts";
import type { BatchAddImageMembersRequest, Job, JobCreated, JobPairResult } from "./types.ts";

const badRequest = (code: ImsCode, message: string) => new ApiError(400, message, code);

export class BatchSharing {
  constructor(
    private readonly store: Store,
    private readonly access: AccessRules,
    private readonly runner: JobRunner,
    private readonly clock: Clock,
    private readonly maxQueuedJobs: number,
  ) {}

  /** Refuses the whole request if any image or project cannot be shared; otherwise starts a job. */
  submit(caller: string, request: BatchAddImageMembersRequest): JobCreated {
    const images: string[] = [];
    for (const id of request.images) {
      // An image the caller cannot see is reported as missing (IMG.0027), not as someone else's (IMG.0047):
      // as on /v2, nothing is told about images of other projects (DECISIONS.md, 41).
      const image = this.access.visibleImage(caller, id);
      if (!image) throw badRequest(ImsCode.imageNotFound, `Image ${id} does not exist.`);
      if (!isOwner(caller, image))
        throw badRequest(ImsCode.notOwner, `Image ${id} belongs to another project; only its owner may share it.`);
      if (!takesMembers(image))
        throw badRequest(ImsCode.publicImage, `Image ${id} is public; public images cannot be shared.`);
      if (images.includes(image.id)) throw badRequest(ImsCode.badRequest, `body/images lists image ${image.id} twice.`);
      images.push(image.id);
    }
    if (request.projects.includes(caller)) {
      throw badRequest(
        ImsCode.shareWithSelf,
        `Project ${caller} is the caller's own project; an image cannot be shared with its owner.`,
      );
    }
    const jobId = randomUUID().replaceAll("-", "");
    this.store.write(() => {
      if (this.store.unfinishedJobCount(caller) >= this.maxQueuedJobs) {
        throw new ApiError(
          503,
          `Project ${caller} already has ${this.maxQueuedJobs} unfinished jobs; retry once some have ended.`,
          ImsCode.tooManyJobs,
        );
      }
      this.store.insertJob({
        jobId,
        projectId: caller,
        jobType: "imsAddImageMembersJob",
        beginTime: jobTime(this.clock()),
        images,
        projects: request.projects,
      });
    });
    this.runner.enqueue(jobId);
    return { job_id: jobId };
  }

  /** A job of the caller's own project, as it stands now. */
  show(caller: string, projectId: string, jobId: string): Job {
    if (!ownsJobs(caller, projectId))
      throw new ApiError(
        403,
        `Project ${projectId} is not the project of this token; ask for jobs under your own project.`,
        ImsCode.forbidden,
      );
    const found = this.store.read(() => {
      const job = this.store.job(jobId);
      return job && ownsJobs(caller, job.project_id) ? { job, results: this.store.results(jobId) } : undefined;
    });
    if (!found) throw notFound(`Job ${jobId} not found.`, ImsCode.jobNotFound);
    const { job, results } = found;
    return {
      job_id: job.job_id,
      job_type: job.job_type,
      status: job.status,
      begin_time: job.begin_time,
      end_time: job.end_time,
      error_code: job.error_code,
      fail_reason: job.fail_reason,
      entities: {
        process_percent: job.total === 0 ? 100 : Math.floor((results.length * 100) / job.total),
        results: results.map(toPairResult),
      },
    };
  }
}

function toPairResult(row: JobResultRow): JobPairResult {
  const result: JobPairResult = { image_id: row.image_id, project_id: row.project_id, status: row.status };
  if (row.error_code !== null) result.error_code = row.error_code;
  if (row.fail_reason !== null) result.fail_reason = row.fail_reason;
  return result;
}
