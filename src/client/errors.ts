import type { components } from "ims-sharing/types";

export type OpenStackErrorBody = components["schemas"]["OpenStackError"];
export type ImsErrorBody = components["schemas"]["ImsError"];

export function isOpenStackError(body: unknown): body is OpenStackErrorBody {
  return (
    isRecord(body) &&
    typeof body.message === "string" &&
    typeof body.code === "string" &&
    typeof body.title === "string"
  );
}

export function isImsError(body: unknown): body is ImsErrorBody {
  return (
    isRecord(body) &&
    isRecord(body.error) &&
    typeof body.error.code === "string" &&
    typeof body.error.message === "string"
  );
}

/**
 * A non-2xx answer. `code` is the IMS error code (`IMG.0027`) on the /v1 routes and the OpenStack
 * status string (`404 Not Found`) on the /v2 routes; `body` is the parsed error body, typed by shape.
 */
export class ImsApiError extends Error {
  override readonly name = "ImsApiError";
  readonly status: number;
  readonly code: string;
  readonly body: OpenStackErrorBody | ImsErrorBody | undefined;
  readonly requestId: string | undefined;
  readonly method: string;
  readonly url: string;

  constructor(response: Response, body: unknown, request: { method: string; url: string }) {
    const parsed = isOpenStackError(body) || isImsError(body) ? body : undefined;
    const code = parsed ? ("error" in parsed ? parsed.error.code : parsed.code) : `${response.status}`;
    const text = parsed
      ? "error" in parsed
        ? parsed.error.message
        : parsed.message
      : typeof body === "string" && body
        ? body
        : response.statusText;
    // Glance appends HTML line breaks to its messages; they mean nothing outside a web page.
    super(`${request.method} ${request.url} -> ${response.status} ${code}: ${cleanMessage(text)}`);
    this.status = response.status;
    this.code = code;
    this.body = parsed;
    this.requestId =
      response.headers.get("x-openstack-request-id") ?? response.headers.get("x-request-id") ?? undefined;
    this.method = request.method;
    this.url = request.url;
  }

  /** The server's message alone, without the method, URL and code. */
  get detail(): string {
    if (!this.body) return this.message;
    return cleanMessage("error" in this.body ? this.body.error.message : this.body.message);
  }
}

function cleanMessage(message: string): string {
  return message.replace(/(<br\s*\/?>|\s)+$/g, "").trim();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
