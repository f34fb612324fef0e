// Typed client for the IMS image-sharing API: openapi-fetch over the generated types, plus token
// handling, typed errors and job polling. Request and response types come from "ims-sharing/types".
export { createImsClient, type ImsClient, type ImsClientOptions, type TokenSource } from "./create.ts";
export { ImsApiError, isImsError, isOpenStackError, type ImsErrorBody, type OpenStackErrorBody } from "./errors.ts";
export { batchShareAndWait, JobTimeoutError, waitForJob, type BatchAddImageMembersRequest, type Job, type WaitOptions } from "./jobs.ts";
export { unwrap, type Unwrapped } from "./unwrap.ts";
