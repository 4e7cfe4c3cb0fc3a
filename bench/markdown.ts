// The Markdown of bench/RESULTS.md: a table per section, under its title, target and verdict.

export interface MarkdownSection {
  title: string;
  target: string;
  rows: Record<string, unknown>[];
  verdict: string;
  /** A paragraph between the target and the table (how to rerun it, what it leaves out). */
  note?: string;
}

export function table(rows: Record<string, unknown>[]): string {
  if (rows.length === 0) return '_no rows_';
  const cols = Object.keys(rows[0]!);
  const fmt = (v: unknown) => (typeof v === 'object' ? JSON.stringify(v) : String(v));
  return [`| ${cols.join(' | ')} |`, `| ${cols.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${cols.map((c) => fmt(r[c])).join(' | ')} |`)].join('\n');
}

/** One section's lines: its `## title`, the target and verdict, its note if any, and the table. */
export function sectionLines(s: MarkdownSection): string[] {
  return [`## ${s.title}`, '', `Target: ${s.target}. **${s.verdict}**`, '', ...(s.note ? [s.note, ''] : []), table(s.rows), ''];
}
