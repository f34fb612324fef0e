// The contract's types under the names the sandbox uses. All of them come from generated/schema.d.ts
// (the package's `ims-sharing/types` export); none is written out here.
import type { components } from "ims-sharing/types";

type Schemas = components["schemas"];

export type ImageMember = Schemas["ImageMember"];
export type ImageMemberList = Schemas["ImageMemberList"];
export type MemberStatus = Schemas["MemberStatus"];
export type Job = Schemas["Job"];
export type JobStatus = Schemas["JobStatus"];
export type JobType = Schemas["JobType"];
export type JobCreated = Schemas["JobCreated"];
export type JobPairResult = Schemas["JobPairResult"];
export type AddImageMemberRequest = Schemas["AddImageMemberRequest"];
export type UpdateImageMemberRequest = Schemas["UpdateImageMemberRequest"];
export type BatchAddImageMembersRequest = Schemas["BatchAddImageMembersRequest"];
