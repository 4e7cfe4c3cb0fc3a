// The /about, /privacy and /terms pages the Teams manifest points at: real pages in sv and en, escaped, self-contained, with a CSP.
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { build, type App } from '../../src/app/build.js';
import { INFO_PAGE_CSP } from '../../src/http/info-pages.js';
import { loadConfig } from '../../src/config.js';
import { registerPlayground } from '../../src/platforms/playground/index.js';
import { MemoryStore } from '../../src/store/index.js';

let app: App | undefined;

async function start(env: Record<string, string> = {}, playground = false): Promise<App> {
  const config = loadConfig({ LOG_LEVEL: 'silent', DEFAULT_LOCALE: 'en', RETENTION_MONTHS: '18', ANONYMITY_SECRET: 'pages-test-secret-0123', ...env });
  app = await build(config, { store: new MemoryStore(), adapters: playground ? [registerPlayground] : [] });
  return app;
}

afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('info pages', () => {
  it('/privacy says what is stored, for how long and how to export and erase it, in the reader\'s language', async () => {
    const a = await start({ OPERATOR_NAME: 'Malmö stad', OPERATOR_CONTACT: 'dataskydd@malmo.example' });
    const sv = await a.http.inject({ method: 'GET', url: '/privacy', headers: { 'accept-language': 'sv-SE,sv;q=0.9,en;q=0.5' } });
    expect(sv.statusCode).toBe(200);
    expect(sv.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(sv.headers['content-language']).toBe('sv');
    expect(sv.body).toContain('<html lang="sv">');
    expect(sv.body).toContain('Personuppgifter');
    expect(sv.body).toContain('raderas 18 månader efter att den stängdes');
    expect(sv.body).toContain('/assess privacy export');
    expect(sv.body).toContain('@Assess assess privacy erase confirm');
    expect(sv.body).toContain('Den här installationen drivs av Malmö stad.');
    expect(sv.body).toContain('<a href="mailto:dataskydd@malmo.example" rel="noopener noreferrer">dataskydd@malmo.example</a>');

    const en = await a.http.inject({ method: 'GET', url: '/privacy?lang=en', headers: { 'accept-language': 'sv' } });
    expect(en.headers['content-language']).toBe('en');
    expect(en.body).toContain('is deleted 18 months after it closed');
    expect(en.body).toContain('This installation is run by Malmö stad.');
  });

  it('/about and /terms answer in both languages and link to each other and to the other language', async () => {
    const a = await start();
    for (const page of ['about', 'terms'] as const) {
      for (const lang of ['sv', 'en'] as const) {
        const res = await a.http.inject({ method: 'GET', url: `/${page}?lang=${lang}` });
        expect(res.statusCode, `${page} ${lang}`).toBe(200);
        expect(res.body).toContain(`<html lang="${lang}">`);
        expect(res.body).toContain(`<a href="/privacy?lang=${lang}"`);
        expect(res.body).toContain(`href="/${page}?lang=${lang === 'sv' ? 'en' : 'sv'}"`);
      }
    }
    // Without an operator configured, the page says who runs it in general terms.
    const about = await a.http.inject({ method: 'GET', url: '/about' });
    expect(about.body).toContain('This installation is run by the organisation that added the bot');
    expect((await a.http.inject({ method: 'GET', url: '/terms?lang=de' })).statusCode).toBe(400);
  });

  it('loads nothing from elsewhere, runs no script, and escapes the operator\'s name', async () => {
    const a = await start({ OPERATOR_NAME: '<script>alert(1)</script> & Co', OPERATOR_CONTACT: 'https://kommun.example/dataskydd?a=1&b=2' });
    const res = await a.http.inject({ method: 'GET', url: '/about?lang=en' });
    expect(res.headers['content-security-policy']).toBe(INFO_PAGE_CSP);
    expect(INFO_PAGE_CSP).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; /);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body).not.toContain('<script');
    expect(res.body).toContain('&#60;script&#62;alert(1)&#60;/script&#62; &#38; Co');
    expect(res.body).toContain('href="https://kommun.example/dataskydd?a=1&#38;b=2"');
    // No src= anywhere: no images, scripts or frames; the only style is the inline one the CSP hash allows.
    expect(res.body).not.toMatch(/\ssrc=/);
    const style = /<style>([^<]*)<\/style>/.exec(res.body)?.[1] ?? '';
    expect(INFO_PAGE_CSP).toContain(`'sha256-${createHash('sha256').update(style).digest('base64')}'`);
  });

  it('leaves / to the playground when it runs', async () => {
    const a = await start({ PLAYGROUND: 'on' }, true);
    const root = await a.http.inject({ method: 'GET', url: '/' });
    expect(root.statusCode).toBe(200);
    expect(root.body).toContain('app.js');
    expect((await a.http.inject({ method: 'GET', url: '/about' })).body).toContain('Integrating Cities assessment bot');
  });
});
