// The breaking-change gate: the current spec must take a version step at least as large as its
// changes since the last release need. Each kind of breaking change is planted on a copy of the
// current bundle to show the gate refuses it under a minor version and accepts it under a major.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  type Change,
  checkRelease,
  classifyChanges,
  currentSpecPath,
  main,
  readSpec,
  releasedVersions,
  versionBump,
} from "../../scripts/check-breaking.ts";
import { repoRoot } from "../../src/spec/openapi.ts";

type Doc = Record<string, any>;
const current = JSON.parse(readFileSync(currentSpecPath, "utf8")) as Doc;
const latest = releasedVersions().at(-1);
if (!latest) throw new Error("generated/released/ holds no released spec");
const released = readSpec(latest.path);

function planted(change: (doc: Doc) => void, version = current.info.version as string): Doc {
  const copy = structuredClone(current);
  change(copy);
  copy.info.version = version;
  return copy;
}

const breakingAt = (changes: Change[]) => changes.filter((c) => c.type === "breaking").map((c) => c.where);

describe("the current spec", () => {
  it("takes a large enough version step since the last release", () => {
    const verdict = checkRelease(released, current as never);
    expect(verdict.changes.filter((c) => c.type === "breaking" || c.type === "unclassified")).toEqual([]);
    expect(verdict).toMatchObject({ ok: true });
  });

  it("breaks nothing of 1.0.0: 1.1.0 added four operations as a minor release", () => {
    const first = readSpec(releasedVersions()[0]?.path ?? "");
    const verdict = checkRelease(first, current as never);
    expect(verdict).toMatchObject({ from: "1.0.0", required: "minor", actual: "minor", ok: true });
    expect(verdict.changes.filter((c) => c.type === "non-breaking").map((c) => c.where)).toEqual(
      expect.arrayContaining([
        "paths./v1/cloudimages/members.put",
        "paths./v1/cloudimages/members.delete",
        "paths./v2/schemas/member.get",
        "paths./v2/schemas/members.get",
      ]),
    );
  });

  it("keeps each released spec under the version it declares", () => {
    expect(releasedVersions().length).toBeGreaterThan(0);
    for (const { version, path } of releasedVersions()) expect(readSpec(path).info.version).toBe(version);
  });

  it("has a CHANGELOG entry for its version and for every released one", () => {
    const changelog = readFileSync(join(repoRoot, "CHANGELOG.md"), "utf8");
    for (const version of [current.info.version, ...releasedVersions().map((r) => r.version)])
      expect(changelog).toMatch(new RegExp(`^## ${version.replaceAll(".", "\\.")}\\b`, "m"));
  });
});

describe("planted breaking changes", () => {
  const cases: [string, (doc: Doc) => void, string][] = [
    [
      "a removed operation",
      (doc) => delete doc.paths["/v2/images/{image_id}/members/{member_id}"].delete,
      "paths./v2/images/{image_id}/members/{member_id}.delete",
    ],
    [
      "a new required request field",
      (doc) => {
        const request = doc.components.schemas.BatchAddImageMembersRequest;
        request.properties.reason = { type: "string", maxLength: 64, pattern: "^.+$" };
        request.required.push("reason");
      },
      "paths./v1/cloudimages/members.post.requestBody.content.application/json.schema.required.2",
    ],
    [
      "a narrowed request enum",
      (doc) => {
        doc.components.schemas.MemberStatus.enum = ["accepted", "rejected"];
      },
      "paths./v2/images/{image_id}/members/{member_id}.put.requestBody.content.application/json.schema.properties.status.allOf.0.enum.0",
    ],
    [
      "a renamed operationId",
      (doc) => {
        doc.paths["/v1/{project_id}/jobs/{job_id}"].get.operationId = "getJob";
      },
      "paths./v1/{project_id}/jobs/{job_id}.get.operationId",
    ],
  ];

  it.each(cases)("%s fails the gate under a minor version", (_, change, where) => {
    const verdict = checkRelease(released, planted(change, "1.2.0") as never);
    expect(breakingAt(verdict.changes)).toContain(where);
    expect(verdict).toMatchObject({ ok: false, required: "major", actual: "minor" });
  });

  it.each(cases)("%s passes once the major version goes up", (_, change) => {
    expect(checkRelease(released, planted(change, "2.0.0") as never)).toMatchObject({ ok: true, actual: "major" });
  });

  it("tells directions apart: a narrowed response-only enum breaks no client", () => {
    const changes = classifyChanges(
      current,
      planted((doc) => {
        doc.components.schemas.JobType.enum = ["imsAddImageMembersJob"];
      }),
    );
    expect(changes.length).toBeGreaterThan(0);
    expect(breakingAt(changes)).toEqual([]);
  });
});

describe("version steps", () => {
  it("refuses an addition without a minor step, and a version that goes down", () => {
    const sameVersion = planted((doc) => delete doc.paths["/v2/schemas/members"], "1.1.0");
    expect(checkRelease(sameVersion as never, current as never)).toMatchObject({
      ok: false,
      required: "minor",
      actual: "none",
    });
    expect(checkRelease(current as never, planted(() => {}, "1.0.9") as never)).toMatchObject({
      ok: false,
      actual: "downgrade",
    });
  });

  it("compares versions numerically and rejects what is not MAJOR.MINOR.PATCH", () => {
    expect(versionBump("1.9.0", "1.10.0")).toBe("minor");
    expect(versionBump("1.1.0", "1.1.1")).toBe("patch");
    expect(versionBump("2.0.0", "1.99.0")).toBe("downgrade");
    expect(() => versionBump("1.0", "1.1.0")).toThrow(/MAJOR\.MINOR\.PATCH/);
  });
});

describe("scripts/check-breaking.ts", () => {
  const dir = mkdtempSync(join(tmpdir(), "ims-breaking-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function run(args: string[]): Promise<{ code: number; output: string }> {
    const lines: string[] = [];
    const code = await main(args, (line) => lines.push(line));
    return { code, output: lines.join("\n") };
  }

  it("passes the current spec and lists the added operations", async () => {
    const result = await run([]);
    expect(result.code).toBe(0);
    expect(result.output).toMatch(/^non-breaking \(\d+\):$/m);
    expect(result.output).not.toMatch(/^breaking/m);
    for (const added of [
      "PUT /v1/cloudimages/members",
      "DELETE /v1/cloudimages/members",
      "GET /v2/schemas/member",
      "GET /v2/schemas/members",
    ])
      expect(result.output).toContain(`[Added] operation ${added}`);
  });

  it("fails with exit code 1 on a planted breaking change and names it", async () => {
    const file = join(dir, "removed.json");
    writeFileSync(file, JSON.stringify(planted((doc) => delete doc.paths["/v1/{project_id}/jobs/{job_id}"])));
    const result = await run(["--current", file]);
    expect(result.code).toBe(1);
    expect(result.output).toContain("[Removed] operation GET /v1/{project_id}/jobs/{job_id}");
    expect(result.output).toMatch(/FAIL: the changes need a major version step/);
  });

  it("answers 2 when a spec cannot be read", async () => {
    expect((await run(["--current", join(dir, "missing.json")])).code).toBe(2);
  });
});
