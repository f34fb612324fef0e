// The membership rules on their own, without HTTP: who may do what to which image.
import { beforeEach, describe, expect, it } from "vitest";
import { AccessRules } from "../../src/sandbox/access.ts";
import { openDatabase, Store } from "../../src/sandbox/db.ts";
import { ApiError } from "../../src/sandbox/errors.ts";
import { MemberRules } from "../../src/sandbox/members.ts";
import { Catalog, defaultSeedPath, loadSeedFile } from "../../src/sandbox/seed.ts";
import { image, project, unknownProject } from "./helpers.ts";

const seed = loadSeedFile(defaultSeedPath);

function refusal(fn: () => unknown): { status: number; message: string } {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return { status: error.status, message: error.message };
    throw error;
  }
  throw new Error("expected a refusal, got success");
}

let now: Date;
let rules: MemberRules;
const tick = (seconds: number) => (now = new Date(now.getTime() + seconds * 1000));

function newRules(memberLimit = 256): MemberRules {
  const store = new Store(openDatabase(":memory:"));
  return new MemberRules(store, new AccessRules(store, new Catalog(seed), memberLimit), () => now);
}

beforeEach(() => {
  now = new Date("2024-05-01T10:20:30.456Z");
  rules = newRules();
});

describe("adding a member", () => {
  it("creates a pending member with equal whole-second timestamps", () => {
    expect(rules.add(project.owner, image.privateOne, project.member)).toEqual({
      member_id: project.member,
      image_id: image.privateOne,
      status: "pending",
      created_at: "2024-05-01T10:20:30Z",
      updated_at: "2024-05-01T10:20:30Z",
      schema: "/v2/schemas/member",
    });
  });

  it("works on private and shared images alike", () => {
    expect(rules.add(project.owner, image.privateOne, project.member).status).toBe("pending");
    expect(rules.add(project.owner, image.shared, project.member).status).toBe("pending");
  });

  it("accepts project ids that are not in the seed", () => {
    expect(rules.add(project.owner, image.shared, unknownProject(7)).member_id).toBe(unknownProject(7));
  });

  it("matches the image id without regard to case and answers with the canonical id", () => {
    expect(rules.add(project.owner, image.shared.toUpperCase(), project.member).image_id).toBe(image.shared);
  });

  it("refuses a public image with 403", () => {
    expect(refusal(() => rules.add(project.owner, image.public, project.member))).toMatchObject({
      status: 403,
      message: expect.stringContaining("public"),
    });
  });

  it("refuses a member that tries to share the image further with 403", () => {
    rules.add(project.owner, image.shared, project.member);
    expect(refusal(() => rules.add(project.member, image.shared, project.member2)).status).toBe(403);
  });

  it("answers 404 to a stranger, exactly as for an image that does not exist", () => {
    const stranger = refusal(() => rules.add(project.stranger, image.shared, project.member2));
    const missing = refusal(() => rules.add(project.stranger, "00000000-0000-4000-8000-000000000000", project.member2));
    expect(stranger.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(stranger.message).toBe(`Image ${image.shared} not found.`);
  });

  it("refuses a duplicate with 409, whatever the member's status", () => {
    rules.add(project.owner, image.shared, project.member);
    rules.update(project.member, image.shared, project.member, "rejected");
    expect(refusal(() => rules.add(project.owner, image.shared, project.member)).status).toBe(409);
  });

  it("refuses the member past the limit with 413, and checks the limit before duplicates", () => {
    rules = newRules(2);
    rules.add(project.owner, image.shared, project.member);
    rules.add(project.owner, image.shared, project.member2);
    expect(refusal(() => rules.add(project.owner, image.shared, unknownProject(1)))).toMatchObject({
      status: 413,
      message: expect.stringContaining("maximum 2"),
    });
    expect(refusal(() => rules.add(project.owner, image.shared, project.member)).status).toBe(413);
  });

  it("counts the limit per image", () => {
    rules = newRules(1);
    rules.add(project.owner, image.shared, project.member);
    expect(rules.add(project.owner, image.sharedTwo, project.member).status).toBe("pending");
  });

  it("frees a slot when a member is removed", () => {
    rules = newRules(1);
    rules.add(project.owner, image.shared, project.member);
    rules.remove(project.owner, image.shared, project.member);
    expect(rules.add(project.owner, image.shared, project.member2).status).toBe("pending");
  });

  it("starts a re-added member as pending with fresh timestamps", () => {
    rules.add(project.owner, image.shared, project.member);
    tick(5);
    rules.update(project.member, image.shared, project.member, "accepted");
    rules.remove(project.owner, image.shared, project.member);
    tick(5);
    expect(rules.add(project.owner, image.shared, project.member)).toMatchObject({
      status: "pending",
      created_at: "2024-05-01T10:20:40Z",
      updated_at: "2024-05-01T10:20:40Z",
    });
  });
});

describe("listing members", () => {
  beforeEach(() => {
    rules.add(project.owner, image.shared, project.member);
    tick(1);
    rules.add(project.owner, image.shared, project.member2);
  });

  it("shows the owner every member, oldest first", () => {
    expect(rules.list(project.owner, image.shared).members.map((m) => m.member_id)).toEqual([
      project.member,
      project.member2,
    ]);
  });

  it("shows a member only its own row, whatever its status", () => {
    rules.update(project.member, image.shared, project.member, "rejected");
    expect(rules.list(project.member, image.shared)).toEqual({
      members: [expect.objectContaining({ member_id: project.member, status: "rejected" })],
      schema: "/v2/schemas/members",
    });
  });

  it("gives an empty list for an image nobody was added to", () => {
    expect(rules.list(project.owner, image.privateTwo)).toEqual({ members: [], schema: "/v2/schemas/members" });
  });

  it("answers 404 to a stranger and 403 for a public image", () => {
    expect(refusal(() => rules.list(project.stranger, image.shared)).status).toBe(404);
    expect(refusal(() => rules.list(project.owner, image.public)).status).toBe(403);
    expect(refusal(() => rules.list(project.stranger, image.public)).status).toBe(403);
  });

  it("stops showing the image to a removed member", () => {
    rules.remove(project.owner, image.shared, project.member);
    expect(refusal(() => rules.list(project.member, image.shared)).status).toBe(404);
  });
});

describe("showing a member", () => {
  beforeEach(() => {
    rules.add(project.owner, image.shared, project.member);
    rules.add(project.owner, image.shared, project.member2);
  });

  it("lets the owner read any member and a member read itself", () => {
    expect(rules.show(project.owner, image.shared, project.member2).member_id).toBe(project.member2);
    expect(rules.show(project.member, image.shared, project.member).member_id).toBe(project.member);
  });

  it("answers 404, never 403, to everybody else", () => {
    expect(refusal(() => rules.show(project.member, image.shared, project.member2)).status).toBe(404);
    expect(refusal(() => rules.show(project.stranger, image.shared, project.member)).status).toBe(404);
    expect(refusal(() => rules.show(project.owner, image.shared, project.stranger)).status).toBe(404);
    expect(refusal(() => rules.show(project.owner, image.public, project.member)).status).toBe(404);
  });
});

describe("answering a share", () => {
  beforeEach(() => {
    rules.add(project.owner, image.shared, project.member);
    rules.add(project.owner, image.shared, project.member2);
  });

  it("lets the member move freely between the three statuses and stamps updated_at", () => {
    const created = rules.show(project.member, image.shared, project.member).created_at;
    const steps = [
      ["accepted", "2024-05-01T10:20:32Z"],
      ["rejected", "2024-05-01T10:20:34Z"],
      ["pending", "2024-05-01T10:20:36Z"],
      ["pending", "2024-05-01T10:20:38Z"],
      ["accepted", "2024-05-01T10:20:40Z"],
    ] as const;
    for (const [status, updatedAt] of steps) {
      tick(2);
      expect(rules.update(project.member, image.shared, project.member, status)).toMatchObject({
        status,
        created_at: created,
        updated_at: updatedAt,
      });
    }
    expect(rules.show(project.owner, image.shared, project.member).status).toBe("accepted");
  });

  it("refuses the owner with 403, even for its own project added as a member", () => {
    expect(refusal(() => rules.update(project.owner, image.shared, project.member, "accepted")).status).toBe(403);
    rules.add(project.owner, image.shared, project.owner);
    expect(refusal(() => rules.update(project.owner, image.shared, project.owner, "accepted")).status).toBe(403);
  });

  it("answers 404 to another member and to a stranger", () => {
    expect(refusal(() => rules.update(project.member2, image.shared, project.member, "accepted")).status).toBe(404);
    expect(refusal(() => rules.update(project.stranger, image.shared, project.member, "accepted")).status).toBe(404);
  });

  it("changes nothing when refused", () => {
    refusal(() => rules.update(project.owner, image.shared, project.member, "accepted"));
    expect(rules.show(project.member, image.shared, project.member).status).toBe("pending");
  });
});

describe("removing a member", () => {
  beforeEach(() => {
    rules.add(project.owner, image.shared, project.member);
    rules.add(project.owner, image.shared, project.member2);
  });

  it("lets the owner remove a member", () => {
    rules.remove(project.owner, image.shared, project.member);
    expect(rules.list(project.owner, image.shared).members.map((m) => m.member_id)).toEqual([project.member2]);
  });

  it("refuses the member itself with 403, and keeps the membership", () => {
    expect(refusal(() => rules.remove(project.member, image.shared, project.member)).status).toBe(403);
    expect(rules.show(project.member, image.shared, project.member).status).toBe("pending");
  });

  it("answers 404 for another member's row, a stranger, and a second removal", () => {
    expect(refusal(() => rules.remove(project.member, image.shared, project.member2)).status).toBe(404);
    expect(refusal(() => rules.remove(project.stranger, image.shared, project.member)).status).toBe(404);
    rules.remove(project.owner, image.shared, project.member);
    expect(refusal(() => rules.remove(project.owner, image.shared, project.member)).status).toBe(404);
  });
});
