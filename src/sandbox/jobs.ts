// The job worker: runs batch-sharing jobs one after another, in the same process as the server.
// A job is cut into chunks of image x project pairs; each chunk writes its members, its per-pair
// results and the job's progress in one transaction. After a crash or a restart the worker picks
// up every unfinished job at the first pair not yet committed, so no pair is ever written twice.
import type { AccessRules } from "./access.ts";
import type { JobRow, ResultValues, Store } from "./db.ts";
import { ImsCode } from "./errors.ts";
import { type Clock, jobTime, memberTime } from "./time.ts";

export interface JobPacing {
  /** Pairs written per transaction. */
  chunkSize: number;
  /** Pause before each chunk, in milliseconds; 0 only yields to pending requests. */
  delayMs: number;
}

interface JobPlan {
  images: string[];
  projects: string[];
}

export class JobRunner {
  private readonly queue: string[] = [];
  private readonly plans = new Map<string, JobPlan>();
  private draining: Promise<void> | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly store: Store,
    private readonly access: AccessRules,
    private readonly clock: Clock,
    private readonly pacing: JobPacing,
  ) {}

  /** Queues every job a previous run left unfinished. */
  resume(): void {
    for (const jobId of this.store.unfinishedJobs()) this.enqueue(jobId);
  }

  enqueue(jobId: string): void {
    if (this.stopped) return;
    this.queue.push(jobId);
    this.draining ??= this.drain().finally(() => (this.draining = undefined));
  }

  /** Stops after the chunk in progress (if any); unfinished jobs stay in the database for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.draining;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const jobId = this.queue[0] as string;
      // With a delay, a job visibly waits as INIT, then as RUNNING with no results, before its first chunk.
      await this.pause();
      if (this.stopped) return;
      this.start(jobId);
      let finished = false;
      while (!finished) {
        await this.pause();
        if (this.stopped) return;
        finished = this.runChunk(jobId);
      }
      this.queue.shift();
    }
  }

  private pause(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.wake = undefined;
        resolve();
      };
      if (this.pacing.delayMs > 0) {
        const timer = setTimeout(done, this.pacing.delayMs);
        this.wake = () => {
          clearTimeout(timer);
          done();
        };
      } else {
        setImmediate(done);
      }
    });
  }

  private start(jobId: string): void {
    this.store.write(() => {
      const job = this.store.job(jobId);
      if (job?.status === "INIT") this.store.advanceJob(jobId, job.done, job.failed);
    });
  }

  /** A job's image and project lists, parsed once per job rather than once per chunk. */
  private plan(job: JobRow): JobPlan {
    let plan = this.plans.get(job.job_id);
    if (!plan) {
      plan = { images: JSON.parse(job.images) as string[], projects: JSON.parse(job.projects) as string[] };
      this.plans.set(job.job_id, plan);
    }
    return plan;
  }

  /**
   * Writes the next chunk of pairs; true once the job is over. The chunk's members, its results
   * and the job's progress are written in one transaction, with multi-row inserts: either all of
   * them are in the database or none is.
   */
  private runChunk(jobId: string): boolean {
    return this.store.write(() => {
      const job = this.store.job(jobId);
      if (!job || job.status === "SUCCESS" || job.status === "FAIL") {
        this.plans.delete(jobId);
        return true;
      }
      const { images, projects } = this.plan(job);
      const end = Math.min(job.total, job.done + this.pacing.chunkSize);
      const now = memberTime(this.clock());
      const newMembers: string[] = [];
      const results: ResultValues = [];
      let failed = job.failed;
      // The members of the image in hand, read once per image and kept up to date by this chunk
      // (it holds the write lock, so nobody else adds any meanwhile).
      let imageIndex = -1;
      let members = new Set<string>();
      for (let pair = job.done; pair < end; pair++) {
        const index = Math.floor(pair / projects.length);
        const imageId = images[index] as string;
        const projectId = projects[pair % projects.length] as string;
        if (index !== imageIndex) {
          imageIndex = index;
          members = new Set(this.store.memberIds(imageId));
        }
        // One pair behaves like addImageMember, except that an existing membership counts as a success.
        if (members.has(projectId) || !this.access.isFull(members.size)) {
          if (!members.has(projectId)) {
            members.add(projectId);
            newMembers.push(imageId, projectId);
          }
          results.push(jobId, pair, imageId, projectId, "success", null, null);
        } else {
          failed++;
          results.push(
            jobId,
            pair,
            imageId,
            projectId,
            "failed",
            ImsCode.memberLimit,
            `Image ${imageId} has reached its limit of ${this.access.memberLimit} members.`,
          );
        }
      }
      this.store.insertMembers(newMembers, now);
      this.store.insertResults(results);
      this.store.advanceJob(jobId, end, failed);
      if (end < job.total) return false;
      this.plans.delete(jobId);
      if (failed === 0) this.store.finishJob(jobId, "SUCCESS", jobTime(this.clock()), null, null);
      else
        this.store.finishJob(
          jobId,
          "FAIL",
          jobTime(this.clock()),
          this.store.firstFailureCode(jobId) ?? ImsCode.internal,
          `${failed} of ${job.total} pairs failed.`,
        );
      return true;
    });
  }
}
