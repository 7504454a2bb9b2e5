// Reads the fields of a decoded frame for a message codec. Every accessor checks type and bounds and
// throws a WireRejection naming the field, so a codec reads like a schema and nothing unchecked leaks
// into the returned message: fields a codec does not read are dropped, not passed on.

/** Why a frame was refused; caught by the registry, logged and counted, never shown to the peer. */
export class WireRejection extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireRejection';
  }
}

/** Validates a nested message (a request's body, say) against the same registry. */
export type NestedMessageReader = (value: unknown, path: string) => { readonly type: string; readonly [field: string]: unknown };

export interface StringRule {
  readonly charsMax: number;
  /** Default 0: an empty string is accepted unless the rule says otherwise. */
  readonly charsMin?: number;
  readonly pattern?: RegExp;
}

export interface IntegerRule {
  readonly min: number;
  readonly max: number;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class FieldReader {
  readonly #fields: Readonly<Record<string, unknown>>;
  readonly #path: string;
  readonly #nested: NestedMessageReader;

  constructor(fields: Readonly<Record<string, unknown>>, nested: NestedMessageReader, path = '') {
    this.#fields = fields;
    this.#nested = nested;
    this.#path = path;
  }

  /**
   * Every field as received, for a layer that validates a whole message with its own parser (the
   * membership messages do): that parser then owns the checks this reader would otherwise make.
   */
  all(): Readonly<Record<string, unknown>> {
    return this.#fields;
  }

  has(name: string): boolean {
    return Object.hasOwn(this.#fields, name) && this.#fields[name] !== undefined;
  }

  string(name: string, rule: StringRule): string {
    const value = this.#present(name);
    if (typeof value !== 'string') throw this.#reject(name, 'must be a string');
    if (value.length < (rule.charsMin ?? 0) || value.length > rule.charsMax) {
      throw this.#reject(name, `must be ${rule.charsMin ?? 0}..${rule.charsMax} characters`);
    }
    if (rule.pattern !== undefined && !rule.pattern.test(value)) throw this.#reject(name, `must match ${rule.pattern}`);
    return value;
  }

  integer(name: string, rule: IntegerRule): number {
    const value = this.#present(name);
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw this.#reject(name, 'must be an integer');
    if (value < rule.min || value > rule.max) throw this.#reject(name, `must be ${rule.min}..${rule.max}`);
    return value;
  }

  boolean(name: string): boolean {
    const value = this.#present(name);
    if (typeof value !== 'boolean') throw this.#reject(name, 'must be a boolean');
    return value;
  }

  /** Lowercase hex of exactly `bytes` bytes. */
  hex(name: string, bytes: number): string {
    return this.string(name, { charsMin: bytes * 2, charsMax: bytes * 2, pattern: /^[0-9a-f]*$/ });
  }

  /** Any JSON value (a stored document, say); the frame's byte limit already bounds its size. */
  json(name: string): unknown {
    return this.#present(name);
  }

  object(name: string): FieldReader {
    const value = this.#present(name);
    if (!isPlainObject(value)) throw this.#reject(name, 'must be an object');
    return new FieldReader(value, this.#nested, this.#pathOf(name));
  }

  /** An array of at most `itemsMax` objects, each read by `readItem`. */
  list<T>(name: string, itemsMax: number, readItem: (item: FieldReader) => T): T[] {
    const value = this.#present(name);
    if (!Array.isArray(value)) throw this.#reject(name, 'must be an array');
    if (value.length > itemsMax) throw this.#reject(name, `must have at most ${itemsMax} items`);
    return value.map((item: unknown, index) => {
      if (!isPlainObject(item)) throw this.#reject(`${name}[${index}]`, 'must be an object');
      return readItem(new FieldReader(item, this.#nested, this.#pathOf(`${name}[${index}]`)));
    });
  }

  /** A nested peer message, checked by its own codec. */
  message(name: string): { readonly type: string; readonly [field: string]: unknown } {
    return this.#nested(this.#present(name), this.#pathOf(name));
  }

  /** `read(this)` when the field is present, else undefined. */
  optional<T>(name: string, read: (fields: FieldReader) => T): T | undefined {
    return this.has(name) ? read(this) : undefined;
  }

  #present(name: string): unknown {
    if (!this.has(name)) throw this.#reject(name, 'is missing');
    return this.#fields[name];
  }

  #pathOf(name: string): string {
    return this.#path === '' ? name : `${this.#path}.${name}`;
  }

  #reject(name: string, problem: string): WireRejection {
    return new WireRejection(`${this.#pathOf(name)} ${problem}`);
  }
}
