import type { components } from "ims-sharing/types";
import type { ImsClient } from "./create.ts";
import { unwrap } from "./unwrap.ts";

export type Job = components["schemas"]["Job"];
export type BatchAddImageMembersRequest = components["schemas"]["BatchAddImageMembersRequest"];
export type BatchUpdateImageMembersRequest = components["schemas"]["BatchUpdateImageMembersRequest"];
export type BatchRemoveImageMembersRequest = components["schemas"]["BatchRemoveImageMembersRequest"];

export interface WaitOptions {
  /** Pause between two polls. Default 1000 ms, as IMS's own tooling polls. */
  intervalMs?: number;
  /** Give up after this long. Default 5 minutes. */
  timeoutMs?: number;
  /** Stops the wait (and the request in flight) with the signal's reason. */
  signal?: AbortSignal;
  /** Called with every job state read, final one included. */
  onProgress?: (job: Job) => void;
}

export class JobTimeoutError extends Error {
  override readonly name = "JobTimeoutError";
  constructor(
    readonly jobId: string,
    readonly lastSeen: Job | undefined,
    timeoutMs: number,
  ) {
    super(`job ${jobId} did not end within ${timeoutMs} ms (last status: ${lastSeen?.status ?? "unknown"})`);
  }
}

const finalStatuses: ReadonlySet<Job["status"]> = new Set(["SUCCESS", "FAIL"]);

/**
 * Polls showJob until the job is SUCCESS or FAIL and returns it. A FAIL job is returned, not thrown:
 * its per-pair results say which pairs failed. Throws JobTimeoutError, ImsApiError, or the abort reason.
 */
export async function waitForJob(
  client: ImsClient,
  job: { projectId: string; jobId: string },
  options: WaitOptions = {},
): Promise<Job> {
  const { intervalMs = 1000, timeoutMs = 300_000, signal, onProgress } = options;
  const deadline = Date.now() + timeoutMs;
  let last: Job | undefined;
  for (;;) {
    signal?.throwIfAborted();
    last = await unwrap(
      client.GET("/v1/{project_id}/jobs/{job_id}", {
        params: { path: { project_id: job.projectId, job_id: job.jobId } },
        ...(signal ? { signal } : {}),
      }),
    );
    onProgress?.(last);
    if (finalStatuses.has(last.status)) return last;
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new JobTimeoutError(job.jobId, last, timeoutMs);
    await sleep(Math.min(intervalMs, remaining), signal);
  }
}

/** Starts a batch share (batchAddImageMembers) and waits for its job to end. */
export async function batchShareAndWait(
  client: ImsClient,
  request: BatchAddImageMembersRequest & { projectId: string },
  options: WaitOptions = {},
): Promise<Job> {
  const { projectId, images, projects } = request;
  const { job_id } = await unwrap(
    client.POST("/v1/cloudimages/members", {
      body: { images, projects },
      ...(options.signal ? { signal: options.signal } : {}),
    }),
  );
  return waitForJob(client, { projectId, jobId: job_id }, options);
}

/**
 * The recipient accepts or rejects shared images in batch (batchUpdateImageMembers) and waits for the
 * job to end. `project_id` is the caller's own project, so the job is polled there too.
 */
export async function batchUpdateAndWait(
  client: ImsClient,
  request: BatchUpdateImageMembersRequest,
  options: WaitOptions = {},
): Promise<Job> {
  const { images, project_id, status, vault_id } = request;
  const { job_id } = await unwrap(
    client.PUT("/v1/cloudimages/members", {
      body: { images, project_id, status, ...(vault_id !== undefined ? { vault_id } : {}) },
      ...(options.signal ? { signal: options.signal } : {}),
    }),
  );
  return waitForJob(client, { projectId: project_id, jobId: job_id }, options);
}

/** The owner stops sharing images with projects in batch (batchRemoveImageMembers) and waits for the job to end. */
export async function batchRemoveAndWait(
  client: ImsClient,
  request: BatchRemoveImageMembersRequest & { projectId: string },
  options: WaitOptions = {},
): Promise<Job> {
  const { projectId, images, projects } = request;
  const { job_id } = await unwrap(
    client.DELETE("/v1/cloudimages/members", {
      body: { images, projects },
      ...(options.signal ? { signal: options.signal } : {}),
    }),
  );
  return waitForJob(client, { projectId, jobId: job_id }, options);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
