// Renders a card once per shape of its data and fills the texts in, instead of expanding the template on every vote.
import { randomBytes } from 'node:crypto';

/**
 * A card model's shape: everything but its non-empty strings. Nulls, empty strings, booleans, numbers, array lengths
 * and keys are kept as they are; each non-empty string becomes a marker. A render whose structure depends on strings
 * only through "is it null / empty" (the factor card's `$when`s: `!= null`, `!= ''`, `count(…) > 0`, `!closed`; its
 * post-processing: truthiness) gives, for the markers, the same card as for the real texts with markers in their
 * place. So the render runs once per shape and each later card is that result with the markers replaced.
 */
export class ShapeCache<T> {
  private readonly rendered = new Map<string, unknown>();
  /** Per process, so no text a person typed can look like a marker. */
  private readonly tag = `\u0001${randomBytes(6).toString('hex')}:`;
  private readonly markerRe: RegExp;

  constructor(
    private readonly render: (data: T) => unknown,
    private readonly max = 256,
  ) {
    this.markerRe = new RegExp(`${this.tag}(\\d+)\u0001`, 'g');
  }

  get(data: T): unknown {
    const texts: string[] = [];
    const shape: string[] = [];
    const marked = this.mark(data, texts, shape) as T;
    const key = shape.join('');
    let skeleton = this.rendered.get(key);
    if (skeleton === undefined) {
      skeleton = this.render(marked);
      if (this.rendered.size >= this.max) this.rendered.delete(this.rendered.keys().next().value!);
      this.rendered.set(key, skeleton);
    }
    return this.fill(skeleton, texts);
  }

  get size(): number {
    return this.rendered.size;
  }

  private mark(value: unknown, texts: string[], shape: string[]): unknown {
    if (typeof value === 'string') {
      if (value === '') {
        shape.push('""');
        return value;
      }
      shape.push('s');
      texts.push(value);
      return `${this.tag}${texts.length - 1}\u0001`;
    }
    if (Array.isArray(value)) {
      shape.push('[');
      const out = value.map((v: unknown) => this.mark(v, texts, shape));
      shape.push(']');
      return out;
    }
    if (value !== null && typeof value === 'object') {
      shape.push('{');
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        shape.push(JSON.stringify(k), ':');
        out[k] = this.mark(v, texts, shape);
      }
      shape.push('}');
      return out;
    }
    // null, booleans, numbers (undefined and functions do not occur in card models, JSON leaves them out anyway)
    shape.push(JSON.stringify(value) ?? 'u', ',');
    return value;
  }

  /** A fresh copy of the skeleton with the texts in place of their markers (callers may change the card they get). */
  private fill(node: unknown, texts: string[]): unknown {
    if (typeof node === 'string') {
      if (!node.includes(this.tag)) return node;
      return node.replace(this.markerRe, (_m, i: string) => texts[Number(i)]!);
    }
    if (Array.isArray(node)) return node.map((v: unknown) => this.fill(v, texts));
    if (node !== null && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(node)) out[k] = this.fill(v, texts);
      return out;
    }
    return node;
  }
}
