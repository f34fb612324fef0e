// The documents OpenStack clients fetch besides the member routes: the version list (glanceclient
// and keystoneauth start there) and the JSON schemas glanceclient builds its models and options from.
import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from "fastify";
import type { KnownPath } from "./not-found.ts";

/** The version list, with links pointing back at the address the client used. */
export function versionsDocument(baseUrl: string) {
  return {
    versions: [{ id: "v2.16", status: "CURRENT", links: [{ rel: "self", href: `${baseUrl}/v2/` }] }],
  };
}

const memberProperties = {
  member_id: { type: "string", description: "Project id of the member." },
  image_id: {
    type: "string",
    description: "Id of the shared image.",
    pattern: "^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$",
  },
  created_at: { type: "string", description: "When the project became a member (UTC)." },
  updated_at: { type: "string", description: "When the membership last changed (UTC)." },
  status: {
    type: "string",
    description: "The member's answer to the share.",
    enum: ["pending", "accepted", "rejected"],
  },
  schema: { readOnly: true, type: "string" },
};

// Same shape as Glance's: no `required`, no `additionalProperties`, so clients accept extra fields.
const memberSchema = { name: "member", properties: memberProperties };

const membersSchema = {
  name: "members",
  properties: {
    members: { type: "array", items: memberSchema },
    schema: { type: "string" },
  },
  links: [{ rel: "describedby", href: "{schema}" }],
};

// A reduced image schema. glanceclient turns every property into a command-line option; Glance's
// own schema has a `stores` property that clashes with the client's `--stores` option and breaks
// every later command once cached (glanceclient 4.1), so it is left out here.
const imageSchema = {
  name: "image",
  properties: {
    id: { type: "string", description: "Id of the image (a UUID).", pattern: memberProperties.image_id.pattern },
    name: { type: ["null", "string"], description: "Name of the image.", maxLength: 255 },
    owner: { type: ["null", "string"], description: "Project that owns the image.", maxLength: 255 },
    visibility: {
      type: "string",
      description: "Who may see the image.",
      enum: ["community", "public", "private", "shared"],
    },
    status: {
      type: "string",
      readOnly: true,
      description: "State of the image data.",
      enum: [
        "queued",
        "saving",
        "active",
        "killed",
        "deleted",
        "uploading",
        "importing",
        "pending_delete",
        "deactivated",
      ],
    },
    container_format: {
      type: ["null", "string"],
      description: "Container format of the image data.",
      enum: [null, "ami", "ari", "aki", "bare", "ovf", "ova", "docker", "compressed"],
    },
    disk_format: {
      type: ["null", "string"],
      description: "Disk format of the image data.",
      enum: [null, "ami", "ari", "aki", "vhd", "vhdx", "vmdk", "raw", "qcow2", "vdi", "iso", "ploop"],
    },
    min_disk: { type: "integer", description: "Disk space needed to boot the image, in GB." },
    min_ram: { type: "integer", description: "Memory needed to boot the image, in MB." },
    protected: { type: "boolean", description: "Whether the image is protected from deletion." },
    tags: { type: "array", description: "Tags of the image.", items: { type: "string", maxLength: 255 } },
    created_at: { type: "string", readOnly: true, description: "When the image was created (UTC)." },
    updated_at: { type: "string", readOnly: true, description: "When the image last changed (UTC)." },
    self: { type: "string", readOnly: true },
    file: { type: "string", readOnly: true },
    schema: { type: "string", readOnly: true },
  },
  additionalProperties: { type: "string" },
  links: [
    { rel: "self", href: "{self}" },
    { rel: "enclosure", href: "{file}" },
    { rel: "describedby", href: "{schema}" },
  ],
};

export const schemaDocuments: Readonly<Record<string, object>> = {
  member: memberSchema,
  members: membersSchema,
  image: imageSchema,
};

/** Serves the version list at `/` and `/versions`, and the schema documents (with a token) under `/v2/schemas`. */
export function registerOpenStackDocuments(app: FastifyInstance, authenticate: onRequestHookHandler): KnownPath[] {
  const baseUrl = (request: FastifyRequest) => `${request.protocol}://${request.host}`;
  const config = { family: "openstack" as const };
  for (const url of ["/", "/versions"])
    app.get(url, { config }, (request, reply) => reply.send(versionsDocument(baseUrl(request))));
  for (const [name, document] of Object.entries(schemaDocuments)) {
    app.get(`/v2/schemas/${name}`, { config, onRequest: authenticate }, (_request, reply) => reply.send(document));
  }
  return ["/", "/versions", ...Object.keys(schemaDocuments).map((name) => `/v2/schemas/${name}`)].map((path) => ({
    path,
    allow: ["GET", "HEAD"],
  }));
}
