// Loads the Adaptive Card templates in cards/*.json once and expands them with adaptivecards-templating.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Template } from 'adaptivecards-templating';
import type { AdaptiveCard } from './types.js';

export const TEMPLATE_NAMES = ['factor-card', 'digest-card', 'reminder-card', 'welcome-card', 'text-card', 'start-form', 'action-reminder-card', 'follow-up-card'] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

/** The cards/ directory sits at the repository root, next to content/; we walk up from src/ or dist/src/. */
function findCardsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'cards');
    if (existsSync(join(candidate, 'factor-card.json'))) return candidate;
    dir = dirname(dir);
  }
  throw new Error('cards/*.json templates not found next to the application');
}

const cache = new Map<TemplateName, Template>();

export function templatePath(name: TemplateName): string {
  return join(findCardsDir(), `${name}.json`);
}

function template(name: TemplateName): Template {
  let tpl = cache.get(name);
  if (!tpl) {
    tpl = new Template(JSON.parse(readFileSync(templatePath(name), 'utf8')));
    cache.set(name, tpl);
  }
  return tpl;
}

/**
 * Expands a template with a complete data model. Models list every field (null when absent) because the
 * engine leaves `${name}` in place when a field is undefined.
 */
export function expand<T extends object>(name: TemplateName, data: T): AdaptiveCard {
  return template(name).expand({ $root: data }) as AdaptiveCard;
}
