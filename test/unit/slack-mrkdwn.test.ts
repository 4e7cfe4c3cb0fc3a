// mrkdwn safety: escaping, links that cannot break out, and cuts that never split an entity or a link.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { esc, firstLine, link, truncate, truncateMrkdwn } from '../../src/platforms/slack/mrkdwn.js';

describe('esc', () => {
  it('turns control characters into entities so nothing pings or links', () => {
    expect(esc('<!channel> & <http://x|y>')).toBe('&lt;!channel&gt; &amp; &lt;http://x|y&gt;');
    expect(esc('<@U123> <#C123> <!here> <!subteam^S1>')).not.toMatch(/[<>]/);
  });

  it('leaves no raw < or > and keeps every & part of an entity, for any input', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const out = esc(s);
        expect(out).not.toMatch(/[<>]/);
        expect(out.replace(/&(amp|lt|gt);/g, '')).not.toContain('&');
      }),
    );
  });
});

describe('link', () => {
  it('percent-encodes what would end the URL part and escapes the label', () => {
    expect(link('https://x.org/a|b>c', 'A <b> & c')).toBe('<https://x.org/a%7Cb%3Ec|A &lt;b&gt; &amp; c>');
    expect(link('https://x.org/?a=1&b=2')).toBe('<https://x.org/?a=1&amp;b=2>');
  });
});

describe('truncation', () => {
  it('cuts plain text by code points with an ellipsis', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('👍👍👍👍', 3)).toBe('👍👍…');
    expect(truncate('short', 10)).toBe('short');
  });

  it('never leaves half an entity or half a link in mrkdwn', () => {
    expect(truncateMrkdwn('abc &amp; def', 7)).toBe('abc…');
    expect(truncateMrkdwn('see <https://example.org/a|the report> now', 12)).toBe('see…');
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 2, max: 60 }), (s, max) => {
        const out = truncateMrkdwn(esc(s), max);
        expect(Array.from(out).length).toBeLessThanOrEqual(max);
        expect(out.replace(/&(amp|lt|gt);/g, '')).not.toMatch(/&[a-z]*…$/);
      }),
    );
  });

  it('takes the first sentence of a rationale for the card', () => {
    expect(firstLine('Det här är viktigt. Mer text följer här.', 100)).toBe('Det här är viktigt.');
    expect(firstLine('Ingen punkt men mycket lång text', 10)).toBe('Ingen pun…');
  });
});
