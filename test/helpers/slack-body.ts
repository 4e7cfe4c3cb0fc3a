// What a Slack Web API request carried, for the fakes of Slack that tests and benchmarks run.
type Json = Record<string, unknown>;

/**
 * Slack's Web API takes JSON or form fields whose nested values are JSON strings; this undoes both. `raw` is the body
 * as received: a string (JSON when the content type says so, else form fields) or an object a fake already parsed.
 */
export function decodeSlackBody(raw: unknown, contentType?: string): Json {
  let fields: Json;
  if (typeof raw === 'object' && raw !== null) fields = { ...(raw as Json) };
  else if (typeof raw !== 'string') fields = {};
  else if ((contentType ?? '').startsWith('application/json')) {
    try {
      const parsed = JSON.parse(raw) as unknown;
      fields = typeof parsed === 'object' && parsed !== null ? { ...(parsed as Json) } : {};
    } catch {
      fields = {};
    }
  } else {
    fields = Object.fromEntries(new URLSearchParams(raw));
  }
  for (const [k, v] of Object.entries(fields)) {
    if (typeof v === 'string' && /^[[{]/.test(v)) {
      try {
        fields[k] = JSON.parse(v);
      } catch {
        // not JSON after all
      }
    }
  }
  return fields;
}
