// The seed file: the default one holds the team's fixture, and a bad one is refused with the field named.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkSeed, defaultSeedPath, loadSeedFile, type Seed, SeedError } from "../../src/sandbox/seed.ts";
import { startSandbox } from "../../src/sandbox/server.ts";
import { image, project, token } from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "sandbox-seed-"));
function seedFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const good = (): Seed => ({
  projects: [
    { id: project.owner, name: "owner", token: "t-owner" },
    { id: project.member, name: "member", token: "t-member" },
  ],
  images: [{ id: image.shared, name: "img", owner: "owner", visibility: "shared" }],
});

describe("the default seed", () => {
  const seed = loadSeedFile(defaultSeedPath);

  it("has the four projects with their tokens", () => {
    expect(seed.projects.map((p) => [p.name, p.id, p.token])).toEqual([
      ["owner", project.owner, token.owner],
      ["member", project.member, token.member],
      ["member2", project.member2, token.member2],
      ["stranger", project.stranger, token.stranger],
    ]);
  });

  it("has the six images with their owners and visibilities", () => {
    expect(seed.images.map((i) => [i.id, i.name, i.owner, i.visibility])).toEqual([
      [image.privateOne, "ubuntu-22.04-golden", project.owner, "private"],
      [image.shared, "debian-12-hardened", project.owner, "shared"],
      [image.privateTwo, "centos-stream-9", project.owner, "private"],
      [image.sharedTwo, "windows-2022-base", project.owner, "shared"],
      [image.public, "public-alpine-3.20", project.owner, "public"],
      [image.strangers, "stranger-private", project.stranger, "private"],
    ]);
  });
});

describe("checking a seed", () => {
  it("resolves an image owner given by project name or by id", () => {
    const input = good();
    input.images.push({ id: image.sharedTwo, name: "other", owner: project.member, visibility: "private" });
    expect(checkSeed(input).images.map((i) => i.owner)).toEqual([project.owner, project.member]);
  });

  const broken: [string, (seed: any) => void, string][] = [
    ["a missing token", (s) => delete s.projects[1].token, "projects[1].token is required"],
    [
      "a malformed project id",
      (s) => (s.projects[0].id = project.owner.toUpperCase()),
      "projects[0].id must match pattern",
    ],
    [
      "a token with a space",
      (s) => (s.projects[0].token = "my token"),
      "projects[0].token must be printable ASCII without spaces",
    ],
    [
      "an unknown visibility",
      (s) => (s.images[0].visibility = "community"),
      'images[0].visibility must be one of "private", "shared", "public"',
    ],
    ["a malformed image id", (s) => (s.images[0].id = "img-1"), "images[0].id must"],
    ["an unknown field", (s) => (s.images[0].size = 3), "images[0].size is not allowed"],
    ["no projects at all", (s) => (s.projects = []), "projects must NOT have fewer than 1 items"],
    [
      "a token used twice",
      (s) => (s.projects[1].token = "t-owner"),
      "projects[1].token is already the token of project owner",
    ],
    [
      "a project id used twice",
      (s) => (s.projects[1].id = project.owner),
      `projects[1].id ${project.owner} is listed twice`,
    ],
    [
      "an image listed twice",
      (s) => s.images.push({ ...s.images[0], name: "again" }),
      `images[1].id ${image.shared} is listed twice`,
    ],
    [
      "an owner that is no project",
      (s) => (s.images[0].owner = "nobody"),
      "images[0].owner nobody is not the name or id of a project",
    ],
  ];
  it.each(broken)("refuses %s, naming the field", (_name, breakIt, message) => {
    const seed = good();
    breakIt(seed);
    expect(() => checkSeed(seed, "seed x.yaml")).toThrow(SeedError);
    expect(() => checkSeed(seed, "seed x.yaml")).toThrow(`seed x.yaml: ${message}`);
  });

  it("names the file when it is not YAML or cannot be read", () => {
    const path = seedFile("bad.yaml", "projects: [\n");
    expect(() => loadSeedFile(path)).toThrow(`seed file ${path}: not valid YAML`);
    expect(() => loadSeedFile(join(dir, "missing.yaml"))).toThrow(
      `seed file ${join(dir, "missing.yaml")}: cannot be read`,
    );
  });
});

describe("starting with a seed", () => {
  it("refuses to start on a bad seed file, naming the field", async () => {
    const path = seedFile(
      "no-owner.yaml",
      `projects:\n  - {id: ${project.owner}, name: a, token: t}\nimages:\n  - {id: ${image.shared}, name: i, visibility: shared}\n`,
    );
    await expect(startSandbox({ port: 0, seed: path })).rejects.toThrow(
      `seed file ${path}: images[0].owner is required`,
    );
  });

  it("serves the projects and images of the seed it is given", async () => {
    const sandbox = await startSandbox({ port: 0, seed: good() });
    try {
      const headers = { "X-Auth-Token": "t-owner", Accept: "application/json" };
      expect((await fetch(`${sandbox.url}/v2/images/${image.shared}/members`, { headers })).status).toBe(200);
      expect(
        (
          await fetch(`${sandbox.url}/v2/images/${image.shared}/members`, {
            headers: { ...headers, "X-Auth-Token": token.owner },
          })
        ).status,
      ).toBe(401);
      expect((await fetch(`${sandbox.url}/v2/images/${image.privateOne}/members`, { headers })).status).toBe(404);
    } finally {
      await sandbox.close();
    }
  });
});
