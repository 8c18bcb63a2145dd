// The Reports screen's bar charts, drawn with Chart.js 4 on a canvas. Only what bar
// charts need is registered (bar controller and element, category and linear scales,
// tooltips), so the rest of Chart.js is left out of the bundle; the screen imports
// this module lazily, so the field screens never load it. Chart.js evaluates no code
// from strings and injects no stylesheet, so it runs under the app's CSP; colors come
// from the theme's CSS variables, read when a chart is drawn.
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from 'chart.js';
import type { ChartRow } from './report-format';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);
// The app's own font (app.css), at a size readable from a desk.
Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
Chart.defaults.font.size = 14;

/** The theme's colors as a chart uses them. */
export interface Palette {
  text: string;
  grid: string;
  bar: string;
  strong: string;
}

/** Reads the current theme's colors (app.css) from `root`. */
export function palette(root: HTMLElement = document.documentElement): Palette {
  const style = getComputedStyle(root);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    text: read('--fg', '#000000'),
    grid: read('--chart-grid', '#c4c4c4'),
    bar: read('--accent', '#0040c0'),
    strong: read('--chart-strong', '#006b3c'),
  };
}

export interface BarOptions {
  /** Bars from the left (one row per label) instead of from the bottom. */
  horizontal?: boolean;
  /** The dataset's name in the tooltip. */
  label: string;
  colors: Palette;
}

/**
 * Draws `rows` as bars on `canvas` (which fills its sized container) and answers the
 * chart, to be destroyed before the canvas is drawn again. No animation: an office
 * screen, and the same picture for every screenshot.
 */
export function drawBars(canvas: HTMLCanvasElement, rows: readonly ChartRow[], options: BarOptions): Chart<'bar'> {
  const { colors, horizontal = false } = options;
  const valueAxis = {
    beginAtZero: true,
    ticks: { precision: 0, color: colors.text },
    grid: { color: colors.grid },
    border: { color: colors.text },
  };
  const labelAxis = {
    ticks: { color: colors.text, autoSkip: !horizontal },
    grid: { display: false },
    border: { color: colors.text },
  };
  return new Chart(canvas, {
    type: 'bar',
    data: {
      labels: rows.map((r) => r.label),
      datasets: [
        {
          label: options.label,
          data: rows.map((r) => r.value),
          backgroundColor: rows.map((r) => (r.highlight ? colors.strong : colors.bar)),
          borderWidth: 0,
          maxBarThickness: 48,
        },
      ],
    },
    options: {
      indexAxis: horizontal ? 'y' : 'x',
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { display: false }, tooltip: { enabled: true } },
      scales: horizontal ? { x: valueAxis, y: labelAxis } : { x: labelAxis, y: valueAxis },
    },
  });
}
