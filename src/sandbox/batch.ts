// Batch sharing (/v1): checks a whole request before anything is shared, records it as a job for
// the worker, and reports jobs back to the project that started them.
import { randomUUID } from "node:crypto";
import type { JobResultRow, JobRow, Store } from "./db.ts";
import { ApiError, ImsCode, notFound } from "./errors.ts";
import type { JobRunner } from "./jobs.ts";
import type { Catalog } from "./seed.ts";
import { type Clock, jobTime } from "./time.ts";

export const defaultMaxQueuedJobs = 50;

/** The request body once it has passed the contract's schema. */
export interface BatchRequest {
  images: string[];
  projects: string[];
}

export interface JobPairResult {
  image_id: string;
  project_id: string;
  status: "success" | "failed";
  error_code?: string;
  fail_reason?: string;
}

export interface Job {
  job_id: string;
  job_type: string;
  status: JobRow["status"];
  begin_time: string;
  end_time: string | null;
  error_code: string | null;
  fail_reason: string | null;
  entities: { process_percent: number; results: JobPairResult[] };
}

const badRequest = (code: ImsCode, message: string) => new ApiError(400, message, code);

export class BatchSharing {
  constructor(
    private readonly store: Store,
    private readonly catalog: Catalog,
    private readonly runner: JobRunner,
    private readonly clock: Clock,
    private readonly maxQueuedJobs: number,
  ) {}

  /** Refuses the whole request if any image or project cannot be shared; otherwise starts a job. */
  submit(caller: string, request: BatchRequest): { job_id: string } {
    const images: string[] = [];
    for (const id of request.images) {
      const image = this.catalog.image(id);
      const visible =
        image && (image.owner === caller || image.visibility === "public" || this.store.isMember(image.id, caller));
      if (!image || !visible) throw badRequest(ImsCode.imageNotFound, `Image ${id} does not exist.`);
      if (image.owner !== caller)
        throw badRequest(ImsCode.notOwner, `Image ${id} belongs to another project; only its owner may share it.`);
      if (image.visibility === "public")
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
    if (projectId !== caller)
      throw new ApiError(
        403,
        `Project ${projectId} is not the project of this token; ask for jobs under your own project.`,
        ImsCode.forbidden,
      );
    const found = this.store.read(() => {
      const job = this.store.job(jobId);
      return job && job.project_id === caller ? { job, results: this.store.results(jobId) } : undefined;
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
