// Escaping for the HTML the reports and the info pages write: every text goes through it.

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
