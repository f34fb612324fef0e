// The sizes the issue promises: a recipient answers 100 images in one call, an owner removes
// 100 × 100 pairs in one call, and the job reports every one of those pairs.
import { describe, expect, it } from "vitest";
import { schemaValidator } from "../../src/spec/openapi.ts";

const validator = schemaValidator();
const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");
const images = (count: number) => Array.from({ length: count }, (_, i) => `${hex(i, 8)}-1bc3-4c3f-893e-3e471fd16e64`);
const projects = (count: number) => Array.from({ length: count }, (_, i) => hex(i, 32));
const owner = "4c5d8f1a0b2e4a6f9d3c7b1e2a5f8c0d";

function removalJob(pairs: number) {
  return {
    job_id: "2c9eb2c58e4a4f5d0192c41c5a3e0b7d",
    job_type: "imsDelImageMembersJob",
    status: "SUCCESS",
    begin_time: "2024-11-06T08:01:15.442Z",
    end_time: "2024-11-06T08:01:46.907Z",
    error_code: null,
    fail_reason: null,
    entities: {
      process_percent: 100,
      results: Array.from({ length: pairs }, (_, i) => ({
        image_id: images(1)[0],
        project_id: hex(i, 32),
        status: "success",
      })),
    },
  };
}

describe("batch answer", () => {
  const ref = "#/components/schemas/BatchUpdateImageMembersRequest";
  it("takes 100 images in one call, not 101", () => {
    expect(validator.validate(ref, { images: images(100), project_id: owner, status: "accepted" })).toEqual([]);
    expect(validator.validate(ref, { images: images(101), project_id: owner, status: "accepted" })).toEqual([
      "/images: must NOT have more than 100 items",
    ]);
  });
});

describe("batch removal", () => {
  const ref = "#/components/schemas/BatchRemoveImageMembersRequest";
  it("takes 100 images by 100 projects in one call", () => {
    expect(validator.validate(ref, { images: images(100), projects: projects(100) })).toEqual([]);
    expect(validator.validate(ref, { images: images(100), projects: projects(101) })).toEqual([
      "/projects: must NOT have more than 100 items",
    ]);
  });

  it("reports all 10,000 pairs in its job", () => {
    expect(validator.validate("#/components/schemas/Job", removalJob(10_000))).toEqual([]);
    expect(validator.validate("#/components/schemas/Job", removalJob(10_001))).toEqual([
      "/entities/results: must NOT have more than 10000 items",
    ]);
  });
});
