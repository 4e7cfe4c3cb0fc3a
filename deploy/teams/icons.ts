// Draws the Teams app icons from SVG with resvg: color.png (192×192) and outline.png (32×32, white on transparent).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';

export const COLOR_SIZE = 192;
export const OUTLINE_SIZE = 32;

/** A rising bar chart with a tick: "how far along are we", in the accent colour. */
export const COLOR_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="192" height="192" viewBox="0 0 192 192">
  <rect width="192" height="192" rx="36" fill="#1F5F99"/>
  <rect x="36" y="112" width="22" height="44" rx="4" fill="#ffffff" opacity="0.75"/>
  <rect x="68" y="92" width="22" height="64" rx="4" fill="#ffffff" opacity="0.85"/>
  <rect x="100" y="70" width="22" height="86" rx="4" fill="#ffffff"/>
  <path d="M126 58 L142 74 L170 40" fill="none" stroke="#F2B134" stroke-width="12" stroke-linecap="round" stroke-linejoin="round"/>
</svg>`;

/** The same mark as a white outline on a transparent background, as Teams requires. */
export const OUTLINE_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32" viewBox="0 0 32 32">
  <rect x="5" y="19" width="4" height="8" fill="#ffffff"/>
  <rect x="11" y="15" width="4" height="12" fill="#ffffff"/>
  <rect x="17" y="11" width="4" height="16" fill="#ffffff"/>
  <path d="M21 8 L24 11 L29 5" fill="none" stroke="#ffffff" stroke-width="2.5" stroke-linecap="round" stroke-linejoin="round"/>
</svg>`;

export function renderIcon(svg: string, size: number): Buffer {
  return Buffer.from(new Resvg(svg, { fitTo: { mode: 'width', value: size }, background: 'rgba(0,0,0,0)' }).render().asPng());
}

export function writeIcons(dir = import.meta.dirname): void {
  writeFileSync(join(dir, 'color.png'), renderIcon(COLOR_SVG, COLOR_SIZE));
  writeFileSync(join(dir, 'outline.png'), renderIcon(OUTLINE_SVG, OUTLINE_SIZE));
}

if (process.argv[1] && import.meta.filename === process.argv[1]) writeIcons();
