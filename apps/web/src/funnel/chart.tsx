import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

/**
 * A small category chart drawn by uPlot on a canvas: one or two series of bars side by side, or lines with
 * points. The canvas is a picture only (role="img" with its label): the figures it draws are always in a
 * table beside it, for screen readers and for anyone who wants the numbers.
 */
export interface ChartSeries {
  readonly label: string;
  readonly values: readonly (number | null)[];
  readonly color: string;
}

export interface ChartProps {
  /** What the chart shows, in a sentence: the picture's accessible name. */
  readonly label: string;
  /** The categories along the x axis, in order. */
  readonly categories: readonly string[];
  readonly series: readonly ChartSeries[];
  /** bars: one series centred, or two side by side; lines: any number of series. */
  readonly kind: 'bars' | 'lines';
  readonly formatValue: (value: number) => string;
  readonly testId?: string;
}

const HEIGHT = 240;
const AXIS_INK = '#1b1f24';
const GRID = '#dde1e6';

export function Chart(props: ChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const drawn = JSON.stringify([props.categories, props.series, props.kind]);
  useEffect(() => {
    const element = host.current;
    if (!element) return undefined;
    const plot = new uPlot(optionsFor(props, widthOf(element)), dataOf(props), element);
    let width = widthOf(element);
    const resized = new ResizeObserver(() => {
      const now = widthOf(element);
      if (now === width) return;
      width = now;
      plot.setSize({ width, height: HEIGHT });
    });
    resized.observe(element);
    return () => {
      resized.disconnect();
      plot.destroy();
    };
    // Redrawn when what it draws changes (drawn), not on every render.
  }, [drawn]);
  return (
    <div class="chart-frame">
      <div ref={host} class="chart" role="img" aria-label={props.label} data-testid={props.testId} />
      <ul class="chart-legend" aria-hidden="true">
        {props.series.map((series) => (
          <li key={series.label}>
            <span class="chart-swatch" style={{ background: series.color }} />
            {series.label}
          </li>
        ))}
      </ul>
    </div>
  );
}

const widthOf = (element: HTMLElement): number => Math.max(280, Math.floor(element.clientWidth));

function dataOf({ categories, series }: ChartProps): uPlot.AlignedData {
  return [categories.map((_, index) => index), ...series.map((one) => [...one.values])];
}

function optionsFor({ categories, series, kind, formatValue }: ChartProps, width: number): uPlot.Options {
  const last = Math.max(categories.length - 1, 0);
  return {
    width,
    height: HEIGHT,
    legend: { show: false },
    cursor: { show: false },
    scales: {
      x: { time: false, range: [-0.5, last + 0.5] },
      y: { range: (_plot, _min, max) => [0, max > 0 ? max * 1.1 : 1] },
    },
    axes: [
      {
        stroke: AXIS_INK,
        grid: { show: false },
        ticks: { show: false },
        splits: () => categories.map((_, index) => index),
        values: (_plot, splits) => splits.map((index) => categories[index] ?? ''),
      },
      {
        stroke: AXIS_INK,
        grid: { stroke: GRID, width: 1 },
        size: 70,
        values: (_plot, splits) => splits.map((value) => formatValue(value)),
      },
    ],
    series: [{}, ...series.map((one, index) => seriesOptions(one, index, series.length, kind))],
  };
}

function seriesOptions(
  series: ChartSeries,
  index: number,
  count: number,
  kind: ChartProps['kind'],
): uPlot.Series {
  if (kind === 'lines') {
    return {
      label: series.label,
      stroke: series.color,
      width: 2,
      points: { show: true, size: 8, fill: series.color },
    };
  }
  const side: -1 | 0 | 1 = count < 2 ? 0 : index === 0 ? -1 : 1;
  const bars = uPlot.paths.bars;
  return {
    label: series.label,
    stroke: series.color,
    fill: series.color,
    width: 0,
    points: { show: false },
    paths: bars ? bars({ align: side, size: [count < 2 ? 0.6 : 0.35, 80] }) : undefined,
  };
}
