// A sandbox stopped (or killed) in the middle of a job finishes that job on its next start, on the
// same database file, without writing any pair twice.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startSandbox } from "../../src/sandbox/server.ts";
import {
  bulkImages,
  call,
  image,
  pollJob,
  project,
  seedWithImages,
  startCli,
  token,
  unknownProject,
} from "./helpers.ts";

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

describe("restarting in the middle of an answer or a removal", () => {
  const seedFile = join(dir, "bulk-seed.yaml");
  // JSON is YAML: the CLI reads this seed with 100 images of the owner's.
  writeFileSync(seedFile, JSON.stringify(seedWithImages(100)));
  const bulk = bulkImages(100);

  /** The job's caller, request and what must hold once it has ended. */
  const kinds = {
    answer: {
      tokenValue: token.member,
      projectId: project.member,
      method: "PUT",
      body: { images: bulk, project_id: project.member, status: "accepted" },
      pairs: bulk.map((i) => `${i} ${project.member}`),
      async check(url: string) {
        for (const id of bulk) {
          const shown = await call(url, "GET", `/v2/images/${id}/members/${project.member}`, { token: token.member });
          expect(shown.body.status).toBe("accepted");
        }
      },
    },
    removal: {
      tokenValue: token.owner,
      projectId: project.owner,
      method: "DELETE",
      body: { images: bulk, projects: projects.slice(0, 3) },
      pairs: bulk.flatMap((i) => projects.slice(0, 3).map((p) => `${i} ${p}`)),
      async check(url: string) {
        for (const id of bulk) {
          const listed = await call(url, "GET", `/v2/images/${id}/members`, { token: token.owner });
          expect(listed.body.members.map((m: { member_id: string }) => m.member_id)).toEqual([project.member]);
        }
      },
    },
  } as const;
  type Kind = keyof typeof kinds;

  /** Shares the 100 images with `member` and three other projects, and waits until that is done. */
  async function shareBulk(url: string): Promise<void> {
    const started = await call(url, "POST", "/v1/cloudimages/members", {
      token: token.owner,
      json: { images: bulk, projects: [project.member, ...projects.slice(0, 3)] },
    });
    expect((await pollJob(url, token.owner, project.owner, started.body.job_id)).final.status).toBe("SUCCESS");
  }

  async function startJob(url: string, kind: Kind): Promise<string> {
    const { tokenValue, method, body } = kinds[kind];
    const started = await call(url, method, "/v1/cloudimages/members", { token: tokenValue, json: body });
    expect(started.status, started.text).toBe(200);
    const jobId = started.body.job_id as string;
    for (;;) {
      const shown = await call(url, "GET", `/v1/${kinds[kind].projectId}/jobs/${jobId}`, { token: tokenValue });
      if (shown.body.entities.results.length > 0) {
        expect(shown.body.status).toBe("RUNNING");
        expect(shown.body.entities.results.length).toBeLessThan(kinds[kind].pairs.length);
        return jobId;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  async function expectFinished(url: string, kind: Kind, jobId: string): Promise<void> {
    const { tokenValue, projectId, pairs, check } = kinds[kind];
    const { final } = await pollJob(url, tokenValue, projectId, jobId);
    expect(final.status).toBe("SUCCESS");
    expect(
      final.entities.results.map((r: { image_id: string; project_id: string }) => `${r.image_id} ${r.project_id}`),
    ).toEqual(pairs);
    await check(url);
  }

  it.each(["answer", "removal"] as const)("finishes the %s after a graceful stop", async (kind) => {
    const db = join(dir, `graceful-${kind}.sqlite`);
    const options = { port: 0, db, seed: seedWithImages(100) };
    const first = await startSandbox({ ...options, jobChunkSize: 5, jobDelayMs: 20 });
    await shareBulk(first.url);
    const jobId = await startJob(first.url, kind);
    await first.close();

    const second = await startSandbox(options);
    try {
      await expectFinished(second.url, kind, jobId);
    } finally {
      await second.close();
    }
  });

  it.each(["answer", "removal"] as const)("finishes the %s after SIGKILL mid-job", async (kind) => {
    const db = join(dir, `killed-${kind}.sqlite`);
    const { child, url } = await startCli([
      ...["--port", "0", "--db", db, "--seed", seedFile],
      ...["--job-chunk-size", "5", "--job-delay", "20", "--quiet"],
    ]);
    await shareBulk(url);
    const jobId = await startJob(url, kind);
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await exited;

    const second = await startSandbox({ port: 0, db, seed: seedFile });
    try {
      await expectFinished(second.url, kind, jobId);
    } finally {
      await second.close();
    }
  });
});
