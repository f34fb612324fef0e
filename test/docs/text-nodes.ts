// Finds the human-readable text of an OpenAPI document: every summary, description and title string,
// except inside example values. Used to check that the zh-CN overlay leaves nothing in English.

export type TextNode = { pointer: string; text: string };

const textKeys = new Set(["summary", "description", "title", "x-displayName"]);
const cjk = /[\u3400-\u9fff]/;

export function textNodes(node: unknown, pointer = ""): TextNode[] {
  if (Array.isArray(node)) return node.flatMap((item, i) => textNodes(item, `${pointer}/${i}`));
  if (typeof node !== "object" || node === null) return [];
  return Object.entries(node).flatMap(([key, value]) => {
    const here = `${pointer}/${key.replaceAll("~", "~0").replaceAll("/", "~1")}`;
    if (key === "value" || key === "example" || key === "x-codeSamples") return [];
    // A schema property may be called "title" or "description"; only strings are text.
    if (textKeys.has(key) && typeof value === "string") return [{ pointer: here, text: value }];
    return textNodes(value, here);
  });
}

export function at(doc: unknown, pointer: string): unknown {
  let node = doc;
  for (const raw of pointer.split("/").slice(1)) {
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    node = typeof node === "object" && node !== null ? (node as Record<string, unknown>)[key] : undefined;
  }
  return node;
}

export function isChinese(text: unknown): boolean {
  return typeof text === "string" && cjk.test(text);
}

/** Pointers where the English document has text and the translated one has no Chinese at the same place. */
export function untranslated(english: unknown, translated: unknown): string[] {
  return textNodes(english)
    .filter(({ pointer }) => !isChinese(at(translated, pointer)))
    .map(({ pointer }) => pointer);
}

/** The document with every text node removed: what must stay identical across languages. */
export function withoutText(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutText);
  if (typeof node !== "object" || node === null) return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !(textKeys.has(key) && typeof value === "string"))
      .map(([key, value]) => [key, key === "value" || key === "example" ? value : withoutText(value)]),
  );
}
