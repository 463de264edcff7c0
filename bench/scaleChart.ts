/** Draws the scale benchmark as an SVG: four small charts (index time, peak RSS, cold open, retrieval p50) against chunks. */

export interface Series {
  name: string;
  points: { chunks: number; build: Record<string, number>; query: Record<string, number> }[];
}

const PANELS: { title: string; unit: string; value: (p: Series['points'][number]) => number }[] = [
  { title: 'full index', unit: 's', value: (p) => p.build.ms / 1000 },
  { title: 'peak RSS while indexing', unit: 'MB', value: (p) => p.build.peakRssMb },
  { title: 'cold open + first answer', unit: 'ms', value: (p) => p.query.firstQueryMs },
  { title: 'retrieval p50', unit: 'ms', value: (p) => p.query.p50 },
];

const COLORS = ['#d9480f', '#1c7ed6', '#2f9e44'];
const W = 320;
const H = 220;
const M = { left: 52, right: 12, top: 28, bottom: 36 };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const label = (n: number) => (n >= 1000 ? `${Math.round(n / 1000)}k` : String(Math.round(n * 10) / 10));

function panel(series: Series[], { title, unit, value }: (typeof PANELS)[number], x0: number, y0: number): string {
  const all = series.flatMap((s) => s.points);
  const maxX = Math.max(...all.map((p) => p.chunks), 1);
  const maxY = Math.max(...all.map(value), 1) * 1.1;
  const px = (c: number) => x0 + M.left + (c / maxX) * (W - M.left - M.right);
  const py = (v: number) => y0 + H - M.bottom - (v / maxY) * (H - M.top - M.bottom);
  const parts = [`<text x="${x0 + W / 2}" y="${y0 + 16}" text-anchor="middle" font-weight="bold">${esc(title)} (${unit})</text>`];
  parts.push(`<line x1="${px(0)}" y1="${py(0)}" x2="${px(maxX)}" y2="${py(0)}" stroke="#888"/><line x1="${px(0)}" y1="${py(0)}" x2="${px(0)}" y2="${py(maxY)}" stroke="#888"/>`);
  for (let i = 0; i <= 4; i++) {
    const v = (maxY / 4) * i;
    parts.push(`<text x="${px(0) - 4}" y="${py(v) + 4}" text-anchor="end" font-size="10">${label(v)}</text>`);
  }
  for (const c of [...new Set(all.map((p) => p.chunks))]) parts.push(`<text x="${px(c)}" y="${py(0) + 14}" text-anchor="middle" font-size="10">${label(c)}</text>`);
  parts.push(`<text x="${x0 + W / 2}" y="${y0 + H - 6}" text-anchor="middle" font-size="10">chunks</text>`);
  series.forEach((s, i) => {
    const pts = s.points.map((p) => `${px(p.chunks).toFixed(1)},${py(value(p)).toFixed(1)}`);
    parts.push(`<polyline fill="none" stroke="${COLORS[i % COLORS.length]}" stroke-width="2" points="${pts.join(' ')}"/>`);
    for (const p of s.points) {
      parts.push(`<circle cx="${px(p.chunks).toFixed(1)}" cy="${py(value(p)).toFixed(1)}" r="3" fill="${COLORS[i % COLORS.length]}"/>`);
      parts.push(`<text x="${(px(p.chunks) + 4).toFixed(1)}" y="${(py(value(p)) - 5).toFixed(1)}" font-size="10" fill="${COLORS[i % COLORS.length]}">${label(value(p))}</text>`);
    }
  });
  return parts.join('\n');
}

export function scaleChart(series: Series[]): string {
  const width = W * 2;
  const height = H * 2 + 30;
  const legend = series.map((s, i) => `<rect x="${10 + i * 110}" y="${H * 2 + 12}" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/>`
    + `<text x="${26 + i * 110}" y="${H * 2 + 23}">${esc(s.name)}</text>`).join('\n');
  const panels = PANELS.map((p, i) => panel(series, p, (i % 2) * W, Math.floor(i / 2) * H)).join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">\n`
    + `<rect width="100%" height="100%" fill="white"/>\n${panels}\n${legend}\n</svg>\n`;
}
