// A small time-series chart in hand-written SVG: one line per node over the last minutes, and event
// markers as vertical ticks, each titled with what happened. No chart library: the page stays light.
import { colourOf } from './ring-geometry';
import { html } from '../html';

export interface Series {
  readonly nodeId: string;
  readonly name: string;
  readonly points: readonly { timeMs: number; value: number }[];
}

export interface Marker {
  readonly timeMs: number;
  readonly label: string;
}

const WIDTH = 600;
const HEIGHT = 160;
const LEFT = 44;
const BOTTOM = 18;

export function LineChart({ title, unit, series, markers, nodeIds, windowMs, nowMs }: { title: string; unit: string; series: readonly Series[]; markers: readonly Marker[]; nodeIds: readonly string[]; windowMs: number; nowMs: number }) {
  const values = series.flatMap((line) => line.points.map((point) => point.value));
  const top = Math.max(1, ...values) * 1.1;
  const x = (timeMs: number) => LEFT + ((timeMs - (nowMs - windowMs)) / windowMs) * (WIDTH - LEFT);
  const y = (value: number) => (HEIGHT - BOTTOM) * (1 - value / top);
  const visible = markers.filter((marker) => marker.timeMs >= nowMs - windowMs);
  return html`
    <figure class="chart" data-testid=${`chart-${title}`} data-series=${series.length} data-markers=${visible.length}>
      <figcaption>${title} (${unit})</figcaption>
      <svg viewBox=${`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label=${`${title} per node over the last ${Math.round(windowMs / 60_000)} minutes`}>
        <line x1=${LEFT} y1=${HEIGHT - BOTTOM} x2=${WIDTH} y2=${HEIGHT - BOTTOM} class="axis" />
        <text x=${LEFT - 4} y="10" text-anchor="end" class="tick">${top.toFixed(top < 10 ? 1 : 0)}</text>
        <text x=${LEFT - 4} y=${HEIGHT - BOTTOM} text-anchor="end" class="tick">0</text>
        <text x=${LEFT} y=${HEIGHT - 4} class="tick">−${Math.round(windowMs / 60_000)} min</text>
        <text x=${WIDTH} y=${HEIGHT - 4} text-anchor="end" class="tick">now</text>
        ${visible.map((marker) => html`<line x1=${x(marker.timeMs)} x2=${x(marker.timeMs)} y1="0" y2=${HEIGHT - BOTTOM} class="marker"><title>${marker.label}</title></line>`)}
        ${series.map(
          (line) => html`<polyline
            fill="none"
            stroke=${colourOf(line.nodeId, nodeIds)}
            stroke-width="2"
            points=${line.points.map((point) => `${x(point.timeMs).toFixed(1)},${y(point.value).toFixed(1)}`).join(' ')}
          ><title>${line.name}</title></polyline>`,
        )}
      </svg>
      <ul class="legend">${series.map((line) => html`<li><span class="swatch" style=${`background:${colourOf(line.nodeId, nodeIds)}`}></span>${line.name}: ${(line.points.at(-1)?.value ?? 0).toFixed(1)} ${unit}</li>`)}</ul>
    </figure>
  `;
}
