// Typed client for the IMS image-sharing API: openapi-fetch over the generated types, plus token
// handling, typed errors and job polling. Request and response types come from "ims-sharing/types".
// This folder may import only openapi-fetch and the generated types (a lint rule): it ships alone.
export { createImsClient, type ImsClient, type ImsClientOptions, type TokenSource } from "./create.ts";
export { ImsApiError, type ImsErrorBody, isImsError, isOpenStackError, type OpenStackErrorBody } from "./errors.ts";
export {
  type BatchAddImageMembersRequest,
  type BatchRemoveImageMembersRequest,
  type BatchUpdateImageMembersRequest,
  batchRemoveAndWait,
  batchShareAndWait,
  batchUpdateAndWait,
  type Job,
  JobTimeoutError,
  type WaitOptions,
  waitForJob,
} from "./jobs.ts";
export { type Unwrapped, unwrap } from "./unwrap.ts";
