// JSON pointers (RFC 6901), as the spec's `$ref`s and OpenAPI runtime expressions use them. The
// encode and decode functions work on one segment.

export function encodePointer(segment: string): string {
  return segment.replaceAll("~", "~0").replaceAll("/", "~1");
}

export function decodePointer(segment: string): string {
  return segment.replaceAll("~1", "/").replaceAll("~0", "~");
}

/** The value at `pointer` (`/a/0/b`) inside `value`, or undefined when the path does not exist. */
export function pointerInto(value: unknown, pointer: string): unknown {
  let node = value;
  for (const raw of pointer.split("/").slice(1)) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[decodePointer(raw)];
  }
  return node;
}
