// HTTP/1.1 over a bare TCP socket, so the fuzz test can send what fetch and node:http refuse to:
// lower-case or unknown methods, control characters in headers, raw non-ASCII in the path, two
// Content-Lengths, a wrong HTTP version. Each exchange uses its own connection and ends when the
// server closes it (every request says `Connection: close`); a server that never answers is a failure.
import { connect } from "node:net";

export interface RawReply {
  status: number;
  /** Header names in lower case; a repeated header keeps its values joined with ", ". */
  headers: Record<string, string>;
  /** The body, de-chunked when the server sent it chunked. */
  body: Buffer;
}

export class RawHttpError extends Error {
  override name = "RawHttpError";
}

/** Sends `request` as-is to host:port and parses the one response that comes back. */
export function exchange(
  host: string,
  port: number,
  request: Buffer,
  options: { head?: boolean; timeoutMs?: number } = {},
): Promise<RawReply> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new RawHttpError(`no complete response within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    // The server may close while the request is still being written (it refused the head early).
    socket.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE" && error.code !== "ECONNRESET") {
        clearTimeout(timer);
        reject(error);
      }
    });
    socket.on("close", () => {
      clearTimeout(timer);
      try {
        resolve(parseResponse(Buffer.concat(chunks), options.head === true));
      } catch (error) {
        reject(error);
      }
    });
    // Not end(): a half-closed connection makes Node's server drop a response still in the making.
    socket.write(request);
  });
}

/** `head`: the response answers a HEAD request, so it has no body whatever its Content-Length says. */
function parseResponse(raw: Buffer, head = false): RawReply {
  const headEnd = raw.indexOf("\r\n\r\n");
  if (headEnd < 0) throw new RawHttpError(`incomplete response head: ${JSON.stringify(raw.toString("latin1"))}`);
  const [statusLine = "", ...lines] = raw.subarray(0, headEnd).toString("latin1").split("\r\n");
  const status = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(statusLine);
  if (!status) throw new RawHttpError(`bad status line ${JSON.stringify(statusLine)}`);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon <= 0) throw new RawHttpError(`bad header line ${JSON.stringify(line)}`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  let body = raw.subarray(headEnd + 4);
  if (head) return { status: Number(status[1]), headers, body };
  if (headers["transfer-encoding"]?.toLowerCase() === "chunked") body = dechunk(body);
  else if (headers["content-length"] !== undefined) {
    const length = Number(headers["content-length"]);
    if (body.length < length) throw new RawHttpError(`body cut short: ${body.length} of ${length} bytes`);
  }
  return { status: Number(status[1]), headers, body };
}

function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf("\r\n", at);
    if (lineEnd < 0) throw new RawHttpError("chunked body cut short");
    const size = Number.parseInt(data.subarray(at, lineEnd).toString("latin1"), 16);
    if (Number.isNaN(size)) throw new RawHttpError("bad chunk size");
    if (size === 0) return Buffer.concat(parts);
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}
