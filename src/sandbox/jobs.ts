// The job worker: runs batch jobs one after another, in the same process as the server (answers and
// removals through pair-jobs.ts, sharing here).
// A job is cut into chunks of image x project pairs; each chunk writes its members, its per-pair
// results and the job's progress in one transaction. After a crash or a restart the worker picks
// up every unfinished job at the first pair not yet committed, so no pair is ever written twice.
import type { AccessRules } from "./access.ts";
import type { JobResultRow, Store } from "./db.ts";
import { ImsCode } from "./errors.ts";
import { isPairByPair, runPairChunk } from "./pair-jobs.ts";
import { type Clock, jobTime, memberTime } from "./time.ts";

export interface JobPacing {
  /** Pairs written per transaction. */
  chunkSize: number;
  /** Pause before each chunk, in milliseconds; 0 only yields to pending requests. */
  delayMs: number;
}

export class JobRunner {
  private readonly queue: string[] = [];
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

  /** Writes the next chunk of a job, the way its type needs; true once the job is over. */
  private nextChunk(jobId: string): boolean {
    if (isPairByPair(this.store.job(jobId)?.job_type))
      return runPairChunk(this.store, this.clock, this.pacing.chunkSize, jobId);
    return this.runChunk(jobId);
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
        finished = this.nextChunk(jobId);
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

  /** Writes the next chunk of pairs; true once the job is over. */
  private runChunk(jobId: string): boolean {
    return this.store.write(() => {
      const job = this.store.job(jobId);
      if (!job || job.status === "SUCCESS" || job.status === "FAIL") return true;
      const images = JSON.parse(job.images) as string[];
      const projects = JSON.parse(job.projects) as string[];
      const end = Math.min(job.total, job.done + this.pacing.chunkSize);
      let failed = job.failed;
      const now = memberTime(this.clock());
      // Member counts, read once per image and kept up to date by this chunk (it holds the write lock).
      const counts = new Map<string, number>();
      for (let pair = job.done; pair < end; pair++) {
        const result = this.sharePair(
          pair,
          images[Math.floor(pair / projects.length)] as string,
          projects[pair % projects.length] as string,
          now,
          counts,
        );
        if (result.status === "failed") failed++;
        this.store.insertResult(jobId, result);
      }
      this.store.advanceJob(jobId, end, failed);
      if (end < job.total) return false;
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

  /** One pair behaves like addImageMember, except that an existing membership counts as a success. */
  private sharePair(
    pair: number,
    imageId: string,
    projectId: string,
    now: string,
    counts: Map<string, number>,
  ): JobResultRow {
    const base = { pair, image_id: imageId, project_id: projectId };
    if (this.store.isMember(imageId, projectId))
      return { ...base, status: "success", error_code: null, fail_reason: null };
    const count = counts.get(imageId) ?? this.store.memberCount(imageId);
    if (this.access.isFull(count)) {
      counts.set(imageId, count);
      return {
        ...base,
        status: "failed",
        error_code: ImsCode.memberLimit,
        fail_reason: `Image ${imageId} has reached its limit of ${this.access.memberLimit} members.`,
      };
    }
    this.store.insertMember(imageId, projectId, now);
    counts.set(imageId, count + 1);
    return { ...base, status: "success", error_code: null, fail_reason: null };
  }
}
