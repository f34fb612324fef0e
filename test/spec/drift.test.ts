// generated/ is committed and never edited by hand: regenerating it from openapi/ must change nothing.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generate } from "../../scripts/lib/generate.ts";
import { repoRoot } from "../../src/spec/openapi.ts";

const fresh = mkdtempSync(join(tmpdir(), "ims-generated-"));
beforeAll(() => generate(fresh));
afterAll(() => rmSync(fresh, { recursive: true, force: true }));

describe("generated/", () => {
  it.each(["openapi.yaml", "openapi.json", "schema.d.ts"])(
    "%s matches a fresh build of openapi/ (run `npm run build` if not)",
    (file) => {
      expect(readFileSync(join(repoRoot, "generated", file), "utf8")).toBe(readFileSync(join(fresh, file), "utf8"));
    },
  );
});
