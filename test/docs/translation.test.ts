// The zh-CN docs come from one source: the English bundle plus the Overlay 1.0 document in
// docs-site/overlays/zh-CN.yaml. Nothing the reader sees may stay English, and nothing but text may change.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import {
  defaultSpec,
  docsDocuments,
  errorCodesPath,
  samplesOverlayPath,
  zhLabelsPath,
  zhOverlayPath,
} from "../../src/docs/build.ts";
import { errorCodeRows } from "../../src/docs/guide.ts";
import { loadLabels, translateSampleComments } from "../../src/docs/labels.ts";
import {
  applyOverlay,
  type JsonObject,
  loadOverlay,
  type OverlayDocument,
  overlayProblems,
  staleActions,
} from "../../src/docs/overlay.ts";
import {
  deref,
  type OpenApiDocument,
  operations,
  type ParameterObject,
  type ResponseObject,
} from "../../src/spec/openapi.ts";
import { isChinese, textNodes, untranslated, withoutText } from "./text-nodes.ts";

const english = parse(readFileSync(defaultSpec, "utf8")) as JsonObject;
const overlay = loadOverlay(zhOverlayPath);
let zh: OpenApiDocument;

beforeAll(async () => {
  zh = (await applyOverlay(english, overlay, "zh-CN")) as unknown as OpenApiDocument;
});

describe("the overlay documents", () => {
  it.each([
    ["zh-CN", zhOverlayPath],
    ["code samples", samplesOverlayPath],
  ])("%s is a well-formed Overlay 1.0 document", (_, path) => {
    expect(overlayProblems(parse(readFileSync(path, "utf8")))).toEqual([]);
  });

  it("the structural check rejects a document that is not Overlay 1.0", () => {
    const broken = {
      overlay: "2.0.0",
      info: { title: "x" },
      actions: [{ update: {} }, { target: "$.info", copy: "$.x" }],
    };
    expect(overlayProblems(broken)).toEqual([
      'overlay must be 1.0.x, got "2.0.0"',
      "info.title and info.version are required",
      "actions[0].target must be a JSONPath starting with $",
      "actions[1] needs update or remove: true",
      "actions[1] has unknown field copy",
    ]);
  });

  it("applying fails when an action's target no longer exists in the spec", async () => {
    const moved: OverlayDocument = {
      ...overlay,
      actions: [{ target: "$.paths['/v2/images/{image_id}/gone'].post", update: { summary: "旧" } }],
    };
    await expect(applyOverlay(english, moved, "zh-CN")).rejects.toThrow(/1 action\(s\) match nothing.*gone/);
  });
});

describe("zh-CN completeness", () => {
  it("gives every English summary, description and title a Chinese counterpart", () => {
    expect(textNodes(english).length).toBeGreaterThan(100);
    expect(untranslated(english, zh)).toEqual([]);
  });

  it("the completeness check names what a missing action leaves in English", async () => {
    const partial: OverlayDocument = {
      ...overlay,
      actions: overlay.actions.filter((a) => a.target !== "$.components.parameters.JobId"),
    };
    const translated = await applyOverlay(english, partial, "zh-CN");
    expect(untranslated(english, translated)).toEqual(["/components/parameters/JobId/description"]);
  });

  it.each(operations(english as unknown as OpenApiDocument).map((o) => [o.op.operationId, o] as const))(
    "%s: summary, description, parameters and every response are Chinese",
    (operationId) => {
      const operation = operations(zh).find((o) => o.op.operationId === operationId);
      if (!operation) throw new Error(`${operationId} is missing from the zh-CN document`);
      expect(isChinese(operation.op.summary)).toBe(true);
      expect(isChinese(operation.op.description)).toBe(true);
      for (const parameter of operation.parameters)
        expect(isChinese(deref<ParameterObject>(zh, parameter).description), parameter.name).toBe(true);
      for (const [status, raw] of Object.entries(operation.op.responses)) {
        // The operation's own description of a status, and the shared response it points to.
        expect(isChinese(raw.description), `${status} (operation)`).toBe(true);
        expect(isChinese(deref<ResponseObject>(zh, raw).description), `${status} (component)`).toBe(true);
      }
    },
  );

  it("shows every tag under a Chinese name while operations keep referring to the English one", () => {
    const tags = zh.tags as ({ name: string; "x-displayName"?: string } & JsonObject)[];
    expect(tags.map((t) => t.name)).toEqual((english.tags as { name: string }[]).map((t) => t.name));
    expect(tags.map((t) => t["x-displayName"])).toEqual(["镜像成员", "批量共享", "异步任务"]);
  });

  it("describes in Chinese every schema property that has an English description", () => {
    const descriptionOf = (doc: OpenApiDocument, property: JsonObject) =>
      property.description ??
      (typeof property.$ref === "string" ? deref<JsonObject>(doc, { $ref: property.$ref }).description : undefined);
    const properties = (doc: OpenApiDocument, schema: JsonObject, path: string): [string, JsonObject][] =>
      Object.entries((schema.properties ?? {}) as Record<string, JsonObject>).flatMap(([name, property]) => [
        [`${path}.${name}`, property] as [string, JsonObject],
        ...properties(doc, property, `${path}.${name}`),
      ]);
    const englishDoc = english as unknown as OpenApiDocument;
    const described = Object.entries(englishDoc.components.schemas ?? {}).flatMap(([name, schema]) =>
      properties(englishDoc, schema as JsonObject, name)
        .filter(([, property]) => descriptionOf(englishDoc, property) !== undefined)
        .map(([path]) => path),
    );
    expect(described.length).toBeGreaterThan(30);
    const chinese = new Set(
      Object.entries(zh.components.schemas ?? {}).flatMap(([name, schema]) =>
        properties(zh, schema as JsonObject, name)
          .filter(([, property]) => isChinese(descriptionOf(zh, property)))
          .map(([path]) => path),
      ),
    );
    expect(described.filter((path) => !chinese.has(path))).toEqual([]);
  });

  it("uses the service's own Chinese terms", () => {
    const text = JSON.stringify(zh);
    for (const term of ["镜像成员", "共享状态", "异步任务", "项目 ID", "令牌"]) expect(text, term).toContain(term);
    expect(((zh.components.schemas as Record<string, JsonObject>).MemberStatus as JsonObject).description).toContain(
      "共享状态",
    );
  });

  it("changes only text: paths, schemas, examples and everything else equal the English bundle", () => {
    expect(withoutText(zh)).toEqual(withoutText(english));
  });

  it("was translated from the current English text (x-en-hash of every action is up to date)", () => {
    const stale = staleActions(english, overlay);
    expect(
      stale.map((s) => s.target),
      "revise these translations, then run `npx tsx scripts/build-docs.ts --stamp-translations`",
    ).toEqual([]);
  });

  it("notices when the English text changes under a translation", () => {
    const edited = structuredClone(english);
    ((edited.components as JsonObject).parameters as Record<string, JsonObject>).JobId!.description =
      "Id of the job (reworded).";
    expect(staleActions(edited, overlay).map((s) => s.target)).toEqual(["$.components.parameters.JobId"]);
  });
});

describe("code-sample comments on the zh-CN page", () => {
  it("every comment of every sample is Chinese in the document the page is built from", async () => {
    const { zh: page } = await docsDocuments();
    const comments = operations(page as unknown as OpenApiDocument).flatMap(({ op }) =>
      ((op as unknown as { "x-codeSamples": { source: string }[] })["x-codeSamples"] ?? []).flatMap((sample) =>
        [...sample.source.matchAll(/(?:^[ \t]*#|(?:^|[ \t])\/\/)[ \t](.+)$/gm)].map((m) => m[1] ?? ""),
      ),
    );
    expect(comments.length).toBeGreaterThan(10);
    expect(comments.filter((comment) => !isChinese(comment))).toEqual([]);
  });

  it("a comment without a translation fails the build", () => {
    const { comments } = loadLabels(zhLabelsPath);
    const fewer = Object.fromEntries(Object.entries(comments).filter(([en]) => !en.startsWith("JOB_ID")));
    const samples = parse(readFileSync(samplesOverlayPath, "utf8")) as OverlayDocument;
    return applyOverlay(english, samples, "samples").then((doc) => {
      expect(() => translateSampleComments(doc, comments)).not.toThrow();
      expect(() => translateSampleComments(doc, fewer)).toThrow(/JOB_ID is the job_id/);
    });
  });
});

describe("error-code table", () => {
  const rows = () => errorCodeRows(english, errorCodesPath);

  it("lists every code the spec uses, with the status the spec gives it", () => {
    const byCode = Object.fromEntries(rows().map((row) => [row.code, row.statuses]));
    expect(byCode["APIG.0301"]).toEqual(["401"]);
    expect(byCode["IMG.0089"]).toEqual(["400"]);
    expect(byCode["IMG.0023"]).toEqual(["404"]);
    for (const row of rows()) expect(isChinese(row.text["zh-CN"].meaning), row.code).toBe(true);
  });

  it("fails the build when the wording misses a code of the spec, or lists one the spec does not use", () => {
    const edited = structuredClone(english);
    (edited.info as JsonObject).description = `${String((edited.info as JsonObject).description)} See IMG.0999.`;
    expect(() => errorCodeRows(edited, errorCodesPath)).toThrow(/missing IMG\.0999/);
    const dir = mkdtempSync(join(tmpdir(), "error-codes-"));
    const texts = parse(readFileSync(errorCodesPath, "utf8")) as Record<string, unknown>;
    writeFileSync(join(dir, "codes.yaml"), stringify({ ...texts, "IMG.0998": texts["IMG.0001"] }));
    expect(() => errorCodeRows(english, join(dir, "codes.yaml"))).toThrow(/not in the spec IMG\.0998/);
    rmSync(dir, { recursive: true, force: true });
  });
});
