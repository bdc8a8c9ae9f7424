/**
 * Escaping for the status page. Every string that reaches the HTML (manifest text, labels, provider
 * answers, commit subjects, event messages) is untrusted: `html` makes it text in element content and
 * in quoted attribute values alike.
 */
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/** Text safe in element content and in a double- or single-quoted attribute value. */
export function html(value: unknown): string {
  return String(value ?? '').replace(/[&<>"'`]/g, (c) => ENTITIES[c]!);
}

/** A tagged template that escapes every interpolation except those already marked safe by `raw`. */
export interface Safe {
  readonly safe: string;
}

export function raw(s: string): Safe {
  return { safe: s };
}

export function h(strings: TemplateStringsArray, ...values: unknown[]): Safe {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out += (Array.isArray(v) ? v.map(piece).join('') : piece(v)) + strings[i + 1]!;
  }
  return { safe: out };
}

function piece(v: unknown): string {
  if (v !== null && typeof v === 'object' && 'safe' in v) return (v as Safe).safe;
  return html(v);
}
