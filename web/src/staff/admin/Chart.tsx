import { useLayoutEffect, useRef, useState } from "preact/hooks";
import { locale } from "../../i18n";
import { axis, largestTotal, stack } from "./chart";

export interface Series {
  key: string;
  label: string;
  /** One of the palette's classes (admin.css): colours that keep 3:1 against the paper. */
  tone: "a" | "b" | "c" | "d" | "e";
}

export interface Bar {
  label: string;
  parts: { key: string; value: number }[];
}

const MAX_WIDTH = 720;
const VALUE = 84; // room for the bar's total after its end
const ROW = 26;
const AXIS = 22;

/** A horizontal stacked bar chart in SVG, mirrored in Arabic (bars grow from the right). The
 * picture is an image with a name and a one-line description; the same figures are in the
 * table the page shows beside it (its text equivalent), so nothing is only in the picture. */
export function BarChart(props: { id: string; title: string; series: Series[]; bars: Bar[];
  format: (value: number) => string; integer?: boolean }) {
  const rtl = locale() === "ar";
  // Drawn at the width it is shown at, so that its text is as large as the page's on a phone.
  const box = useRef<HTMLElement>(null);
  const [WIDTH, setWidth] = useState(MAX_WIDTH);
  useLayoutEffect(() => {
    const measure = () => setWidth(Math.max(280, Math.min(MAX_WIDTH, box.current?.clientWidth ?? MAX_WIDTH)));
    measure();
    const observer = new ResizeObserver(measure);
    if (box.current) observer.observe(box.current);
    return () => observer.disconnect();
  }, []);
  const LABEL = Math.min(150, Math.round(WIDTH * 0.32)); // the label column, on the start side
  const plot = WIDTH - LABEL - VALUE;
  const { max, ticks } = axis(largestTotal(props.bars), props.integer ?? false);
  const height = props.bars.length * ROW + AXIS + 4;
  // x of a point `at` units along the value axis, from the start side.
  const x = (at: number) => (rtl ? WIDTH - LABEL - at : LABEL + at);
  const summary = props.bars.map((bar) =>
    `${bar.label}: ${props.format(bar.parts.reduce((sum, part) => sum + part.value, 0))}`).join("، ");
  return (
    <figure class="admin-chart" ref={box}>
      {props.series.length > 1 && (
        <ul class="admin-legend" aria-hidden="true">
          {props.series.map((s) => <li key={s.key}><span class={`admin-swatch tone-${s.tone}`} />{s.label}</li>)}
        </ul>
      )}
      <svg viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-labelledby={`${props.id}-title ${props.id}-desc`}
        class="admin-chart-svg" preserveAspectRatio="xMinYMin meet">
        <title id={`${props.id}-title`}>{props.title}</title>
        <desc id={`${props.id}-desc`}>{summary}</desc>
        {ticks.map((tick) => (
          <g key={tick} class="admin-tick">
            <line x1={x((tick / max) * plot)} x2={x((tick / max) * plot)} y1={0} y2={props.bars.length * ROW} />
            <text x={x((tick / max) * plot)} y={props.bars.length * ROW + 16} text-anchor="middle">
              {props.format(tick)}
            </text>
          </g>
        ))}
        {props.bars.map((bar, row) => {
          const segments = stack(bar.parts, max, plot);
          const end = segments.length ? segments[segments.length - 1].start + segments[segments.length - 1].length : 0;
          const y = row * ROW + 4;
          return (
            <g key={bar.label}>
              <text x={rtl ? WIDTH - 8 : 8} y={y + 13} text-anchor="start" direction={rtl ? "rtl" : "ltr"}
                class="admin-bar-label">{bar.label}</text>
              {segments.map((segment) => {
                const tone = props.series.find((s) => s.key === segment.key)?.tone ?? "a";
                return segment.length > 0 && (
                  <rect key={segment.key} class={`tone-${tone}`} y={y} height={ROW - 8} width={segment.length}
                    x={rtl ? x(segment.start + segment.length) : x(segment.start)} />
                );
              })}
              <text x={x(end) + (rtl ? -6 : 6)} y={y + 13} text-anchor="start"
                direction={rtl ? "rtl" : "ltr"} class="admin-bar-value">
                {props.format(bar.parts.reduce((sum, part) => sum + Math.max(0, part.value), 0))}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
