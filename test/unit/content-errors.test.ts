// Content raises its own error for a pack or factor that is not installed; people still read the same sentence.
import { describe, expect, it } from 'vitest';
import { PackLookupError } from '../../src/content/errors.js';
import { PackRegistry } from '../../src/content/registry.js';
import { AppError, toAppError } from '../../src/core/errors.js';
import { t } from '../../src/core/i18n.js';
import { COORD, errorCode, makeService, settings } from '../helpers/world.js';

const packs = PackRegistry.fromDir();

describe('content lookups', () => {
  it('an unknown pack is a PackLookupError that the core says as UNKNOWN_PACK, in both languages', () => {
    let caught: unknown;
    try {
      packs.get('no-such-pack', 'sv');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(PackLookupError);
    const e = toAppError(caught);
    expect(e).toBeInstanceOf(AppError);
    expect(e.code).toBe('UNKNOWN_PACK');
    expect(e.userMessage('sv')).toBe(t('sv', 'errors.UNKNOWN_PACK', { pack: 'no-such-pack' }));
    expect(e.userMessage('en')).toBe(t('en', 'errors.UNKNOWN_PACK', { pack: 'no-such-pack' }));
  });

  it('an unknown factor is UNKNOWN_FACTOR', () => {
    expect(toAppError(captured(() => packs.factor('integrating-cities-diversity', 'en', 'f99'))).userMessage('en')).toBe(
      t('en', 'errors.UNKNOWN_FACTOR', { factor: 'f99' }),
    );
  });

  it('starting a round with a pack that is not installed is refused with UNKNOWN_PACK', async () => {
    const { service } = makeService();
    expect(await errorCode(service.startRound({ tenant: 'T1', platform: 'slack', settings: settings({ packId: 'no-such-pack' }), actor: COORD }))).toBe('UNKNOWN_PACK');
  });
});

function captured(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}
