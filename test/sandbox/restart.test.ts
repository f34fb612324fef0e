// A sandbox stopped (or killed) in the middle of a job finishes that job on its next start, on the
// same database file, without writing any pair twice.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startSandbox } from "../../src/sandbox/server.ts";
import { call, image, pollJob, project, startCli, token, unknownProject } from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "sandbox-restart-"));
const images = [image.privateOne, image.shared, image.privateTwo, image.sharedTwo];
const projects = Array.from({ length: 50 }, (_, i) => unknownProject(i));

/** Waits until the job has written some pairs but not all. */
async function midJob(url: string, jobId: string): Promise<number> {
  for (;;) {
    const reply = await call(url, "GET", `/v1/${project.owner}/jobs/${jobId}`, { token: token.owner });
    const done = reply.body.entities.results.length;
    if (done > 0) {
      expect(reply.body.status).toBe("RUNNING");
      return done;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Checks that the job ended with every pair exactly once and every image holding every project. */
async function expectCompleteAndUnique(url: string, jobId: string): Promise<void> {
  const { final } = await pollJob(url, token.owner, project.owner, jobId);
  expect(final.status).toBe("SUCCESS");
  const pairs = final.entities.results.map(
    (r: { image_id: string; project_id: string }) => `${r.image_id} ${r.project_id}`,
  );
  expect(pairs).toEqual(images.flatMap((i) => projects.map((p) => `${i} ${p}`)));
  for (const imageId of images) {
    const listed = await call(url, "GET", `/v2/images/${imageId}/members`, { token: token.owner });
    const ids = listed.body.members.map((m: { member_id: string }) => m.member_id);
    expect(ids.filter((id: string) => projects.includes(id))).toHaveLength(projects.length);
    expect(new Set(ids).size).toBe(ids.length);
  }
}

describe("restarting on the same database", () => {
  it("keeps members and their statuses", async () => {
    const db = join(dir, "keep.sqlite");
    const first = await startSandbox({ port: 0, db });
    await call(first.url, "POST", `/v2/images/${image.shared}/members`, {
      token: token.owner,
      json: { member: project.member },
    });
    await call(first.url, "PUT", `/v2/images/${image.shared}/members/${project.member}`, {
      token: token.member,
      json: { status: "accepted" },
    });
    await first.close();
    const second = await startSandbox({ port: 0, db });
    try {
      const shown = await call(second.url, "GET", `/v2/images/${image.shared}/members/${project.member}`, {
        token: token.member,
      });
      expect(shown.body.status).toBe("accepted");
    } finally {
      await second.close();
    }
  });

  it("finishes a job that a graceful stop interrupted", async () => {
    const db = join(dir, "graceful.sqlite");
    const first = await startSandbox({ port: 0, db, jobChunkSize: 5, jobDelayMs: 20 });
    const started = await call(first.url, "POST", "/v1/cloudimages/members", {
      token: token.owner,
      json: { images, projects },
    });
    const done = await midJob(first.url, started.body.job_id);
    expect(done).toBeLessThan(images.length * projects.length);
    await first.close();

    const second = await startSandbox({ port: 0, db });
    try {
      await expectCompleteAndUnique(second.url, started.body.job_id);
    } finally {
      await second.close();
    }
  });

  it("finishes a job after the process was killed with SIGKILL mid-job", async () => {
    const db = join(dir, "killed.sqlite");
    const { child, url } = await startCli([
      "--port",
      "0",
      "--db",
      db,
      "--job-chunk-size",
      "5",
      "--job-delay",
      "20",
      "--quiet",
    ]);
    const started = await call(url, "POST", "/v1/cloudimages/members", {
      token: token.owner,
      json: { images, projects },
    });
    await midJob(url, started.body.job_id);
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await exited;

    const second = await startSandbox({ port: 0, db });
    try {
      await expectCompleteAndUnique(second.url, started.body.job_id);
    } finally {
      await second.close();
    }
  });
});
