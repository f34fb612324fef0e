// The seed file: the projects (with their tokens) and images the sandbox knows. It is read at
// every start; the database only holds what clients create (members and jobs).
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { createAjv, describeError, dottedPath, type ValidateFunction } from "../spec/ajv.ts";
import { loadSpec, type OpenApiDocument } from "../spec/openapi.ts";

export const defaultSeedPath = resolve(import.meta.dirname, "seed.default.yaml");

export type Visibility = "private" | "shared" | "public";

export interface SeedProject {
  id: string;
  name: string;
  token: string;
}
export interface SeedImage {
  id: string;
  name: string;
  /** Project id of the owner. A seed file may name the owner by project name or id; checkSeed resolves it. */
  owner: string;
  visibility: Visibility;
}
export interface Seed {
  projects: SeedProject[];
  images: SeedImage[];
}

export class SeedError extends Error {
  override name = "SeedError";
}

// Ids are checked against the contract's own ProjectId and ImageId schemas.
const seedSchema = {
  type: "object",
  additionalProperties: false,
  required: ["projects", "images"],
  properties: {
    projects: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        additionalProperties: false,
        required: ["id", "name", "token"],
        properties: {
          id: { $ref: "spec#/components/schemas/ProjectId" },
          name: { type: "string", minLength: 1, maxLength: 255 },
          token: { type: "string", minLength: 1, maxLength: 1024, pattern: "^[\\x21-\\x7e]+$" },
        },
      },
    },
    images: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["id", "name", "owner", "visibility"],
        properties: {
          id: { $ref: "spec#/components/schemas/ImageId" },
          name: { type: "string", minLength: 1, maxLength: 255 },
          owner: { type: "string", minLength: 1 },
          visibility: { enum: ["private", "shared", "public"] },
        },
      },
    },
  },
};

let loadedSpec: OpenApiDocument | undefined;
const defaultSpec = () => (loadedSpec ??= loadSpec());

const validators = new WeakMap<OpenApiDocument, ValidateFunction<Seed>>();

function seedValidator(doc: OpenApiDocument): ValidateFunction<Seed> {
  let validate = validators.get(doc);
  if (!validate) {
    validate = createAjv({ allErrors: false }, doc).compile<Seed>(seedSchema);
    validators.set(doc, validate);
  }
  return validate;
}

/** Reads and checks a seed file; every problem names the file and the field. */
export function loadSeedFile(path: string, doc?: OpenApiDocument): Seed {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new SeedError(`seed file ${path}: cannot be read (${(error as Error).message})`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new SeedError(`seed file ${path}: not valid YAML (${(error as Error).message.split("\n")[0]})`);
  }
  return checkSeed(raw, `seed file ${path}`, doc);
}

/** Checks a parsed seed (from a file or given inline) and resolves image owners to project ids. */
export function checkSeed(raw: unknown, source = "seed", doc: OpenApiDocument = defaultSpec()): Seed {
  const validate = seedValidator(doc);
  if (!validate(raw)) {
    const error = validate.errors?.[0];
    const described = error ? describeError(error) : { at: [], keyword: "", message: "is invalid" };
    const message =
      described.keyword === "pattern" && described.at.at(-1) === "token"
        ? "must be printable ASCII without spaces"
        : described.message;
    throw new SeedError(
      `${source}: ${described.at.length === 0 ? "(top level)" : dottedPath(described.at)} ${message}`,
    );
  }

  const byId = new Map<string, SeedProject>();
  const byName = new Map<string, SeedProject>();
  const byToken = new Map<string, SeedProject>();
  raw.projects.forEach((p, i) => {
    if (byId.has(p.id)) throw new SeedError(`${source}: projects[${i}].id ${p.id} is listed twice`);
    if (byName.has(p.name)) throw new SeedError(`${source}: projects[${i}].name ${p.name} is listed twice`);
    if (byToken.has(p.token))
      throw new SeedError(
        `${source}: projects[${i}].token is already the token of project ${byToken.get(p.token)?.name}`,
      );
    byId.set(p.id, p);
    byName.set(p.name, p);
    byToken.set(p.token, p);
  });
  const imageIds = new Set<string>();
  const images = raw.images.map((image, i): SeedImage => {
    const id = image.id.toLowerCase();
    if (imageIds.has(id)) throw new SeedError(`${source}: images[${i}].id ${image.id} is listed twice`);
    imageIds.add(id);
    const owner = byId.get(image.owner) ?? byName.get(image.owner);
    if (!owner)
      throw new SeedError(
        `${source}: images[${i}].owner ${image.owner} is not the name or id of a project in projects`,
      );
    return { id, name: image.name, owner: owner.id, visibility: image.visibility };
  });
  return { projects: raw.projects.map((p) => ({ id: p.id, name: p.name, token: p.token })), images };
}

/** Lookups the request path needs: token to project, id to image. */
export class Catalog {
  private readonly tokens = new Map<string, SeedProject>();
  private readonly images = new Map<string, SeedImage>();

  constructor(readonly seed: Seed) {
    for (const p of seed.projects) this.tokens.set(p.token, p);
    for (const i of seed.images) this.images.set(i.id, i);
  }

  projectForToken(token: string): SeedProject | undefined {
    return this.tokens.get(token);
  }

  /** Image ids are matched without regard to case; the seed's spelling (lower case) is canonical. */
  image(id: string): SeedImage | undefined {
    return this.images.get(id.toLowerCase());
  }
}
