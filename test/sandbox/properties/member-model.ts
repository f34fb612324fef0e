// An in-memory model of the member rules, written from the spec's operation descriptions: who may
// add, list, show, answer and remove a member of which image, and what each of them is told. The
// model-based test runs the same actions against the sandbox and against this model.
import type { components } from "../../../generated/schema.js";

export type MemberStatus = components["schemas"]["MemberStatus"];
type Visibility = "private" | "shared" | "public";

export interface ModelImage {
  id: string;
  owner: string;
  visibility: Visibility;
}

export type Action =
  | { kind: "add"; caller: string; image: string; member: string }
  | { kind: "list"; caller: string; image: string }
  | { kind: "show"; caller: string; image: string; member: string }
  | { kind: "update"; caller: string; image: string; member: string; status: MemberStatus }
  | { kind: "remove"; caller: string; image: string; member: string };

/** What the model says a caller is told: the status and, for 200, the members in the body. */
export interface Outcome {
  status: number;
  /** member id -> status, for a 200 that carries one member or a list. */
  members?: [string, MemberStatus][];
}

export class MemberModel {
  /** image id -> (member id -> status). */
  readonly members = new Map<string, Map<string, MemberStatus>>();

  constructor(
    readonly images: ReadonlyMap<string, ModelImage>,
    readonly limit: number,
  ) {}

  clone(): MemberModel {
    const copy = new MemberModel(this.images, this.limit);
    for (const [image, members] of this.members) copy.members.set(image, new Map(members));
    return copy;
  }

  /** A key that two models with the same memberships share. */
  key(): string {
    return JSON.stringify([...this.members].map(([image, m]) => [image, [...m].sort()]).sort());
  }

  /** Applies the action and returns what the caller is told. */
  apply(action: Action): Outcome {
    const image = this.images.get(action.image);
    const members = this.membersOf(action.image);
    // An image is visible to its owner, to its members whatever their status, and to all if public.
    if (!image || !(image.owner === action.caller || image.visibility === "public" || members.has(action.caller)))
      return { status: 404 };
    switch (action.kind) {
      case "add":
        if (image.visibility === "public" || image.owner !== action.caller) return { status: 403 };
        // The member limit is checked before the duplicate (the spec's addImageMember says so).
        if (members.size >= this.limit) return { status: 413 };
        if (members.has(action.member)) return { status: 409 };
        members.set(action.member, "pending");
        return { status: 200, members: [[action.member, "pending"]] };
      case "list": {
        if (image.visibility === "public") return { status: 403 };
        const listed = [...members].filter(([id]) => image.owner === action.caller || id === action.caller);
        return { status: 200, members: listed };
      }
      default: {
        // A member is readable by the owner, and by the member project itself; nobody else sees it.
        const status = members.get(action.member);
        if (status === undefined || !(image.owner === action.caller || action.member === action.caller))
          return { status: 404 };
        if (action.kind === "show") return { status: 200, members: [[action.member, status]] };
        if (action.kind === "update") {
          if (image.owner === action.caller) return { status: 403 };
          members.set(action.member, action.status);
          return { status: 200, members: [[action.member, action.status]] };
        }
        if (image.owner !== action.caller) return { status: 403 };
        members.delete(action.member);
        return { status: 204 };
      }
    }
  }

  private membersOf(image: string): Map<string, MemberStatus> {
    let members = this.members.get(image);
    if (!members) {
      members = new Map();
      this.members.set(image, members);
    }
    return members;
  }
}

/**
 * The model states reachable by running `actions` one at a time, in some order, such that each
 * is told exactly what `observed` says it was told (requests sent at once may be served in any
 * order). Empty when no order explains what the server answered.
 */
export function linearizations(model: MemberModel, actions: Action[], observed: Outcome[]): MemberModel[] {
  const results = new Map<string, MemberModel>();
  const search = (state: MemberModel, left: number[]) => {
    if (left.length === 0) {
      results.set(state.key(), state);
      return;
    }
    const tried = new Set<string>();
    for (const index of left) {
      const action = actions[index] as Action;
      const seen = observed[index] as Outcome;
      // Identical actions told identical things are interchangeable: try one of them.
      const signature = JSON.stringify([action, seen]);
      if (tried.has(signature)) continue;
      tried.add(signature);
      const next = state.clone();
      if (sameOutcome(next.apply(action), seen))
        search(
          next,
          left.filter((i) => i !== index),
        );
    }
  };
  search(
    model,
    actions.map((_, i) => i),
  );
  return [...results.values()];
}

export function sameOutcome(a: Outcome, b: Outcome): boolean {
  const sorted = (o: Outcome) => JSON.stringify([o.status, [...(o.members ?? [])].sort()]);
  return sorted(a) === sorted(b);
}

export function describeAction(action: Action, names: ReadonlyMap<string, string>): string {
  const name = (id: string) => names.get(id) ?? id;
  const target = "member" in action ? ` ${name(action.member)}` : "";
  const status = action.kind === "update" ? ` -> ${action.status}` : "";
  return `${name(action.caller)} ${action.kind} ${name(action.image)}${target}${status}`;
}

/** Makes `model` hold the memberships of `other`. */
export function adopt(model: MemberModel, other: MemberModel): void {
  model.members.clear();
  for (const [image, members] of other.members) model.members.set(image, new Map(members));
}
