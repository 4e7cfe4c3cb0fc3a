// Renders a Vega-Lite spec to SVG and PNG on the server; the charting libraries load on first use, not at start-up.
import type { TopLevelSpec } from 'vega-lite';
import { CHART_FONT_FAMILY, chartFontFiles } from './chart-fonts.js';

type Libs = {
  Resvg: typeof import('@resvg/resvg-js').Resvg;
  parse: typeof import('vega').parse;
  View: typeof import('vega').View;
  compile: typeof import('vega-lite').compile;
};

let libs: Promise<Libs> | undefined;

/** vega, vega-lite and resvg weigh ~20 MB; a bot that never closes a round never needs them. */
function loadLibs(): Promise<Libs> {
  libs ??= Promise.all([import('@resvg/resvg-js'), import('vega'), import('vega-lite')]).then(([resvg, vega, vl]) => ({
    Resvg: resvg.Resvg,
    parse: vega.parse,
    View: vega.View,
    compile: vl.compile,
  }));
  return libs;
}

export async function specToSvg(spec: TopLevelSpec): Promise<string> {
  const { compile, parse, View } = await loadLibs();
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export async function svgToPng(svg: string): Promise<Buffer> {
  const { Resvg } = await loadLibs();
  const files = chartFontFiles();
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'original' },
    background: '#ffffff',
    font: { fontFiles: files, loadSystemFonts: files.length === 0, defaultFontFamily: CHART_FONT_FAMILY, sansSerifFamily: CHART_FONT_FAMILY },
  });
  return resvg.render().asPng();
}
