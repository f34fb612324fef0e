// What the suite knows about the API: the spec's operation model (src/spec), narrowed to the
// operations of a profile, with one validator for all of the spec's schemas. Nothing here restates
// the contract; checks ask this module.
import type { ErrorObject } from "../spec/ajv.ts";
import {
  describeOperations,
  type LinkSpec,
  type ResponseSpec,
  responseFor,
  type SpecOperation,
} from "../spec/model.ts";
import {
  loadSpec,
  type OpenApiDocument,
  resolvePointer,
  type SchemaValidator,
  schemaValidator,
} from "../spec/openapi.ts";

export type Profile = "ims" | "openstack";

export class Contract {
  readonly validator: SchemaValidator;
  readonly operations: SpecOperation[];

  constructor(
    readonly doc: OpenApiDocument,
    readonly profile: Profile,
  ) {
    this.validator = schemaValidator(doc);
    this.operations = describeOperations(doc).filter((op) => profile === "ims" || op.path.startsWith("/v2/"));
  }

  static load(profile: Profile): Contract {
    return new Contract(loadSpec(), profile);
  }

  op(id: string): SpecOperation {
    const found = this.operations.find((o) => o.id === id);
    if (!found) throw new Error(`operation ${id} is not part of the ${this.profile} profile`);
    return found;
  }

  has(id: string): boolean {
    return this.operations.some((o) => o.id === id);
  }

  response(op: SpecOperation, status: number): ResponseSpec | undefined {
    return responseFor(op, status);
  }

  declares(op: SpecOperation, status: number): boolean {
    return responseFor(op, status) !== undefined;
  }

  /** Validates `value` against the schema at `pointer`; returns Ajv's error objects (empty when valid). */
  errors(pointer: string, value: unknown): ErrorObject[] {
    return this.validator.errors(pointer, value);
  }

  /** The schema node at `pointer`, with `$ref`s followed; `pointer` in the result is where it really lives. */
  schemaAt(pointer: string): { pointer: string; schema: Record<string, unknown> } {
    let current = pointer;
    for (;;) {
      const node = resolvePointer<Record<string, unknown>>(this.doc, current);
      if (typeof node.$ref !== "string") return { pointer: current, schema: node };
      current = node.$ref;
    }
  }

  /** The link of `from`'s success response that leads to `targetOperationId`. */
  link(from: SpecOperation, targetOperationId: string): LinkSpec | undefined {
    return from.responses.get(String(from.successStatus))?.links.find((l) => l.operationId === targetOperationId);
  }
}
