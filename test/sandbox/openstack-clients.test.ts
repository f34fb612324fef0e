// The real OpenStack clients (Debian's python3-glanceclient and python3-openstacksdk) run the five
// member commands against the sandbox, with a seed token and no Keystone.
import { execFile, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/sandbox/server.ts";
import { call, image, project, sandboxForFile, token } from "./helpers.ts";

const missing = "install the clients first: apt-get install python3-glanceclient python3-openstacksdk";

/** Debian's python3, where the apt packages live (a pyenv or venv python3 earlier on PATH lacks them). */
function pythonWithOpenstack(): string {
  const found = ["/usr/bin/python3", "python3"].find(
    (python) => spawnSync(python, ["-c", "import openstack"]).status === 0,
  );
  if (!found) throw new Error(`no python3 can import openstack: ${missing}`);
  return found;
}

/** Runs a command with an empty HOME of its own and no OS_* variables; never rejects. */
function run(command: string, args: string[], home: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      command,
      args,
      { env: { PATH: process.env.PATH, HOME: home, LANG: "C.UTF-8" }, timeout: 20_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

// Five client processes per test, each taking seconds to start on a loaded machine.
const clientTimeout = 120_000;

let sandbox: Sandbox;
/** The sandbox's request log: `GET /v2/schemas/member 200 0.5ms`. */
const requests: string[] = [];
beforeAll(async () => {
  sandbox = await sandboxForFile({ quiet: false, log: (line) => requests.push(line) });
});

describe("the glance CLI", () => {
  const home = mkdtempSync(join(tmpdir(), "sandbox-glance-"));
  const glance = (tokenValue: string, ...args: string[]) =>
    run("glance", ["--os-image-url", sandbox.url, "--os-auth-token", tokenValue, ...args], home);

  it("is installed", () => {
    expect(spawnSync("glance", ["--version"]).status, missing).toBe(0);
  });

  it(
    "creates, lists, updates, shows and deletes a member",
    async () => {
      const created = await glance(token.owner, "member-create", image.shared, project.member);
      expect(created.code, created.stderr).toBe(0);
      expect(created.stdout).toMatch(new RegExp(`\\| ${image.shared} \\| ${project.member} \\| pending +\\|`));

      const listed = await glance(token.owner, "member-list", "--image-id", image.shared);
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.stdout).toMatch(new RegExp(`\\| ${image.shared} \\| ${project.member} \\| pending +\\|`));

      const updated = await glance(token.member, "member-update", image.shared, project.member, "accepted");
      expect(updated.code, updated.stderr).toBe(0);
      expect(updated.stdout).toMatch(new RegExp(`\\| ${project.member} \\| accepted +\\|`));

      const shown = await glance(token.member, "member-get", image.shared, project.member);
      expect(shown.code, shown.stderr).toBe(0);
      expect(shown.stdout).toMatch(/\| status +\| accepted +\|/);
      expect(shown.stdout).toMatch(/\| created_at +\| \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ +\|/);

      const deleted = await glance(token.owner, "member-delete", image.shared, project.member);
      expect(deleted.code, deleted.stderr).toBe(0);
      expect(
        (await call(sandbox.url, "GET", `/v2/images/${image.shared}/members`, { token: token.owner })).body.members,
      ).toEqual([]);
      // It builds its member model from the member schema, read through the spec's showImageMemberSchema route.
      expect(requests).toContainEqual(expect.stringMatching(/^GET \/v2\/schemas\/member 200 /));
    },
    clientTimeout,
  );

  it("keeps working on its cached image schema, which has no `stores` to clash with --stores", async () => {
    const cached = join(home, ".glanceclient", "image_schema.json");
    expect(existsSync(cached)).toBe(true);
    expect(JSON.parse(readFileSync(cached, "utf8")).properties).not.toHaveProperty("stores");
    const again = await glance(token.owner, "member-list", "--image-id", image.shared);
    expect(again.code, again.stderr).toBe(0);
  });

  it("fails (exit 1) on a refusal and on an unknown token", async () => {
    const stranger = await glance(token.stranger, "member-create", image.shared, project.member2);
    expect(stranger.code).toBe(1);
    const unknown = await glance("not-a-token", "member-list", "--image-id", image.shared);
    expect(unknown.code).toBe(1);
  });
});

describe("openstacksdk", () => {
  it(
    "reads the member schemas, then creates, lists, updates, shows and deletes a member",
    async () => {
      const script = resolve(import.meta.dirname, "openstacksdk_members.py");
      const home = mkdtempSync(join(tmpdir(), "sandbox-sdk-"));
      const result = await run(
        pythonWithOpenstack(),
        [script, sandbox.url, image.sharedTwo, project.member2, token.owner, token.member2],
        home,
      );
      expect(result.code, result.stderr).toBe(0);
      const steps = Object.fromEntries(
        result.stdout
          .trim()
          .split("\n")
          .map((line) => {
            const parsed = JSON.parse(line) as { step: string };
            return [parsed.step, parsed];
          }),
      );
      expect(steps.create).toMatchObject({ member_id: project.member2, image_id: image.sharedTwo, status: "pending" });
      expect(steps.list).toMatchObject({ members: [{ member_id: project.member2, status: "pending" }] });
      expect(steps.update).toMatchObject({ member_id: project.member2, status: "accepted" });
      expect(steps.get).toMatchObject({ status: "accepted", created_at: expect.stringMatching(/Z$/) });
      expect(steps.delete).toEqual({ step: "delete", members: [] });
      expect(steps["get-after-delete"]).toEqual({ step: "get-after-delete", error: 404 });

      // get_member_schema() and get_members_schema() read what the spec's schema routes serve.
      const served = await call(sandbox.url, "GET", "/v2/schemas/members", { token: token.owner });
      expect(steps.schemas).toEqual({
        step: "schemas",
        member: served.body.properties.members.items.properties,
        members: served.body.properties,
      });
      expect(steps.schemas).toMatchObject({ member: { status: { enum: ["pending", "accepted", "rejected"] } } });
    },
    clientTimeout,
  );
});
