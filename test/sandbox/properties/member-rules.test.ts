// Model-based test of the member rules: random sequences of adds, lists, shows, answers and
// removals by the seed's projects, single or fired as concurrent bursts, run against the sandbox
// and the in-memory model of member-model.ts. A single request must be told what the model says; a
// burst must be explained by some order of its requests. To replay a failure, set FC_SEED, FC_PATH
// and FC_REPLAY_PATH to what fast-check printed.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { defaultSeedPath, loadSeedFile } from "../../../src/sandbox/seed.ts";
import type { Sandbox } from "../../../src/sandbox/server.ts";
import { describeOperations, responseFor, type SpecOperation } from "../../../src/spec/model.ts";
import { resolvePointer, schemaValidator } from "../../../src/spec/openapi.ts";
import { call, sandboxForFile, spec, unknownProject } from "../helpers.ts";
import {
  type Action,
  adopt,
  describeAction,
  linearizations,
  MemberModel,
  type MemberStatus,
  type ModelImage,
  type Outcome,
  sameOutcome,
} from "./member-model.ts";
import { replayOptions } from "./replay.ts";

const numRuns = 100;
const maxCommands = 30;
/** Small, so that bursts and sequences reach it. */
const memberLimit = 4;

const seed = loadSeedFile(defaultSeedPath, spec);
const tokens = new Map(seed.projects.map((p) => [p.id, p.token]));
const images = new Map<string, ModelImage>(seed.images.map((i) => [i.id, i]));
const missingImage = "00000000-0000-4000-8000-000000000000";
const callers = seed.projects.map((p) => p.id);
/** Members may be projects that can call the API or ones that cannot (no token). */
const candidates = [...callers, unknownProject(1), unknownProject(2)];
const names = new Map<string, string>([
  ...seed.projects.map((p) => [p.id, p.name] as [string, string]),
  ...seed.images.map((i) => [i.id, `${i.visibility}:${i.name}`] as [string, string]),
  [missingImage, "missing-image"],
  [unknownProject(1), "unknown-1"],
  [unknownProject(2), "unknown-2"],
]);
const statuses = resolvePointer<{ enum: MemberStatus[] }>(spec, "#/components/schemas/MemberStatus").enum;

const validator = schemaValidator(spec);
const operationOf: Record<Action["kind"], SpecOperation> = Object.fromEntries(
  (
    [
      ["add", "addImageMember"],
      ["list", "listImageMembers"],
      ["show", "showImageMember"],
      ["update", "updateImageMember"],
      ["remove", "removeImageMember"],
    ] as const
  ).map(([kind, id]) => [kind, describeOperations(spec).find((op) => op.id === id) as SpecOperation]),
) as Record<Action["kind"], SpecOperation>;

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await sandboxForFile({ memberLimit });
});

/** Sends one action as its operation, checks the answer against the spec, and says what it was told. */
async function send(action: Action): Promise<Outcome> {
  const op = operationOf[action.kind];
  const path = op.path
    .replace("{image_id}", action.image)
    .replace("{member_id}", "member" in action ? action.member : "");
  const json =
    action.kind === "add"
      ? { member: action.member }
      : action.kind === "update"
        ? { status: action.status }
        : undefined;
  const reply = await call(sandbox.url, op.method, path, {
    token: tokens.get(action.caller),
    ...(json === undefined ? {} : { json }),
  });
  const response = responseFor(op, reply.status);
  expect(response, `${op.id} answered undeclared ${reply.status}: ${reply.text}`).toBeDefined();
  const schema = response?.content.get("application/json");
  if (schema) expect(validator.validate(schema, reply.body), `${op.id} ${reply.status}: ${reply.text}`).toEqual([]);
  if (reply.status !== 200) return { status: reply.status };
  const rows: { member_id: string; image_id: string; status: string }[] =
    action.kind === "list" ? reply.body.members : [reply.body];
  for (const row of rows) expect(row.image_id, reply.text).toBe(action.image);
  return {
    status: 200,
    members: rows.map((r) => [r.member_id, r.status] as [string, MemberStatus]),
  };
}

const show = (outcome: Outcome) => JSON.stringify(outcome).replace(/[0-9a-f]{32}/g, (id) => names.get(id) ?? id);

class Single implements fc.AsyncCommand<MemberModel, unknown> {
  constructor(readonly action: Action) {}
  check = () => true;
  async run(model: MemberModel): Promise<void> {
    const seen = await send(this.action);
    const expected = model.apply(this.action);
    expect(sameOutcome(seen, expected), `${this} was told ${show(seen)}, the model says ${show(expected)}`).toBe(true);
  }
  toString = () => describeAction(this.action, names);
}

class Burst implements fc.AsyncCommand<MemberModel, unknown> {
  constructor(readonly actions: Action[]) {}
  check = () => true;
  async run(model: MemberModel): Promise<void> {
    const seen = await Promise.all(this.actions.map(send));
    const states = linearizations(model, this.actions, seen);
    const told = seen.map(show).join(", ");
    expect(states.length, `no order of ${this} explains what they were told: ${told}`).toBeGreaterThan(0);
    // Orders that explain the answers equally well may leave different states: read which it is.
    const actual = states.length > 1 ? await readMembers([...new Set(this.actions.map((a) => a.image))]) : undefined;
    const state = actual ? states.find((s) => matches(s, actual)) : states[0];
    expect(state, `${this}: the members the owners see match no order of the burst`).toBeDefined();
    adopt(model, state as MemberModel);
  }
  toString = () => `burst[${this.actions.map((a) => describeAction(a, names)).join(" | ")}]`;
}

/** The members of each image as its owner lists them. */
async function readMembers(imageIds: string[]): Promise<Map<string, [string, string][]>> {
  const result = new Map<string, [string, string][]>();
  for (const id of imageIds) {
    const image = images.get(id);
    if (!image || image.visibility === "public") continue;
    const outcome = await send({ kind: "list", caller: image.owner, image: id });
    result.set(id, outcome.members ?? []);
  }
  return result;
}

function matches(model: MemberModel, actual: Map<string, [string, string][]>): boolean {
  return [...actual].every(([image, rows]) => {
    const modelled = [...(model.members.get(image) ?? new Map())].sort();
    return JSON.stringify(modelled) === JSON.stringify([...rows].sort());
  });
}

/** Removes every member the sandbox has, so each run starts from the seed. */
async function resetSandbox(): Promise<void> {
  for (const [id, rows] of await readMembers([...images.keys()])) {
    const owner = images.get(id)?.owner as string;
    for (const [member] of rows)
      expect((await send({ kind: "remove", caller: owner, image: id, member })).status).toBe(204);
  }
}

// Actions, leaning towards the ones the rules are about (owners sharing, members answering) and
// towards two images, so that members of one image meet each other.
const shareable = [...images.values()].filter((i) => i.visibility !== "public");
const ownImage = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...shareable.slice(0, 2)) },
  fc.constantFrom(...shareable),
);
const target = fc.oneof(
  { weight: 4, arbitrary: ownImage.map((i) => i.id) },
  fc.constantFrom(...images.keys(), missingImage),
);
const member = fc.constantFrom(...candidates);
const caller = fc.constantFrom(...callers);
const status = fc.constantFrom(...statuses);
const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .record({ image: ownImage, member })
      .map(({ image, member }) => ({ kind: "add", caller: image.owner, image: image.id, member }) as const),
  },
  fc.record({ kind: fc.constant("add" as const), caller, image: target, member }),
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("list" as const), caller, image: target }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("show" as const), caller, image: target, member }) },
  {
    weight: 3,
    arbitrary: fc
      .record({ image: target, member: caller, status })
      .map(({ image, member, status }) => ({ kind: "update", caller: member, image, member, status }) as const),
  },
  fc.record({ kind: fc.constant("update" as const), caller, image: target, member, status }),
  {
    weight: 2,
    arbitrary: fc
      .record({ image: ownImage, member })
      .map(({ image, member }) => ({ kind: "remove", caller: image.owner, image: image.id, member }) as const),
  },
  fc.record({ kind: fc.constant("remove" as const), caller, image: target, member }),
);

/** The actions that change state, each by the one project allowed to take it. */
const change: fc.Arbitrary<Action> = fc.oneof(
  fc
    .record({ image: ownImage, member })
    .map(({ image, member }): Action => ({ kind: "add", caller: image.owner, image: image.id, member })),
  fc
    .record({ image: ownImage, member })
    .map(({ image, member }): Action => ({ kind: "remove", caller: image.owner, image: image.id, member })),
  fc
    .record({ image: ownImage, member: caller, status })
    .map(({ image, member, status }): Action => ({ kind: "update", caller: member, image: image.id, member, status })),
);

const commands = fc.commands(
  [
    action.map((a) => new Single(a)),
    action.map((a) => new Single(a)),
    // The same request many times at once: one wins, the rest are told why not.
    fc.tuple(change, fc.integer({ min: 2, max: 10 })).map(([a, n]) => new Burst(Array(n).fill(a))),
    // Different requests at once, on one image and at most two members, so that they conflict.
    fc
      .tuple(
        ownImage,
        fc.subarray(callers, { minLength: 1, maxLength: 2 }),
        fc.array(fc.tuple(fc.nat(), fc.nat(), status), { minLength: 2, maxLength: 5 }),
      )
      .map(
        ([image, pair, picks]) =>
          new Burst(
            picks.map(([n, k, s]): Action => {
              const m = pair[k % pair.length] as string;
              const kinds: Action[] = [
                { kind: "add", caller: image.owner, image: image.id, member: m },
                { kind: "remove", caller: image.owner, image: image.id, member: m },
                { kind: "update", caller: m, image: image.id, member: m, status: s },
                { kind: "list", caller: m, image: image.id },
              ];
              return kinds[n % kinds.length] as Action;
            }),
          ),
      ),
  ],
  // fast-check prints a replayPath next to a failing command list; FC_REPLAY_PATH replays it with FC_SEED and FC_PATH.
  { maxCommands, ...(process.env.FC_REPLAY_PATH === undefined ? {} : { replayPath: process.env.FC_REPLAY_PATH }) },
);

describe("the member rules", () => {
  it("hold for any sequence of single requests and concurrent bursts, as the model says", async () => {
    await fc.assert(
      fc.asyncProperty(commands, async (cmds) => {
        await resetSandbox();
        await fc.asyncModelRun(() => ({ model: new MemberModel(images, memberLimit), real: undefined }), cmds);
      }),
      replayOptions(numRuns),
    );
  }, 120_000);
});
