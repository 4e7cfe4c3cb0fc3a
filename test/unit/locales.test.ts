import { describe, expect, it } from 'vitest';
import { allKeys, t, tn } from '../../src/core/i18n.js';
import { AppError, ERROR_CODES } from '../../src/core/errors.js';

describe('locale files', () => {
  it('sv and en have the same keys', () => {
    expect(allKeys('sv').sort()).toEqual(allKeys('en').sort());
  });

  it('every error code has a message in both languages, and they differ', () => {
    for (const code of ERROR_CODES) {
      for (const locale of ['sv', 'en'] as const) {
        expect(allKeys(locale), `${locale} errors.${code}`).toContain(`errors.${code}`);
      }
      expect(t('sv', `errors.${code}`)).not.toBe(t('en', `errors.${code}`));
    }
  });

  it('placeholders are filled and an AppError speaks the user\'s language', () => {
    const e = new AppError('NOT_COORDINATOR', { coordinator: 'Cora' });
    expect(e.userMessage('sv')).toBe('Bara samordnaren kan göra det här. Fråga Cora.');
    expect(e.userMessage('en')).toBe('Only the coordinator can do that. Ask Cora.');
  });

  it('placeholders in sv and en are the same per key', () => {
    for (const key of allKeys('en')) {
      const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(names(t('sv', key)), key).toEqual(names(t('en', key)));
    }
  });

  it('plurals pick one/other', () => {
    expect(tn('en', 'plural.factors', 1)).not.toBe(tn('en', 'plural.factors', 2));
  });
});
