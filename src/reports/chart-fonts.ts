// The font every chart is drawn in (DejaVu Sans), found among the system's fonts.
import { existsSync } from 'node:fs';

export const CHART_FONT_FAMILY = 'DejaVu Sans';

/** Where Debian/Ubuntu (fonts-dejavu-core), Fedora, Arch and Alpine put DejaVu Sans. */
const FONT_CANDIDATES = [
  '/usr/share/fonts/truetype/dejavu',
  '/usr/share/fonts/dejavu-sans-fonts',
  '/usr/share/fonts/dejavu',
  '/usr/share/fonts/TTF',
  '/usr/share/fonts/ttf-dejavu',
];

let fontFiles: string[] | undefined;

/** DejaVu Sans (regular and bold) from the system; empty when not installed, and resvg then falls back to system fonts. */
export function chartFontFiles(): string[] {
  if (fontFiles) return fontFiles;
  for (const dir of FONT_CANDIDATES) {
    const regular = `${dir}/DejaVuSans.ttf`;
    if (existsSync(regular)) {
      const bold = `${dir}/DejaVuSans-Bold.ttf`;
      fontFiles = existsSync(bold) ? [regular, bold] : [regular];
      return fontFiles;
    }
  }
  fontFiles = [];
  return fontFiles;
}
