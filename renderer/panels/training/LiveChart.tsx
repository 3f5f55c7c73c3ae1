// One live training chart (uPlot on a canvas): training values per batch, epoch averages and validation
// of one metric. Data is appended to the buffer by the session; this only redraws, once per frame at most.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import { explainMetric } from '../../../app/explanations.ts';
import { type SeriesBuffer } from '../../state/chartBuffer.ts';
import { FrameScheduler } from '../../ui/frameScheduler.ts';
import 'uplot/dist/uPlot.min.css';

export interface LiveChartSeries {
  label: string;
  color: string;
  width?: number;
  dash?: number[];
  /** Draw points (sparse series such as epoch values). */
  points?: boolean;
}

/** Series styles of a training chart, matching chartBuffer's curveSeries order: batch, train, validation. */
export const trainingSeries: LiveChartSeries[] = [
  { label: 'training (per batch)', color: 'rgba(78,121,167,0.35)', width: 1 },
  { label: 'training', color: '#4e79a7', width: 2, points: true },
  { label: 'validation', color: '#f28e2b', width: 2, points: true, dash: [6, 3] },
];

/**
 * Draws `buffer`; `subscribe` is called with a function to run when new data arrived (the chart then
 * schedules one redraw for the next animation frame, however many events came in between).
 */
export function LiveChart({ title, buffer, series, subscribe, xLabel = 'epoch', logY = false, testId }: {
  title: string;
  buffer: SeriesBuffer;
  series: LiveChartSeries[];
  subscribe: (onData: () => void) => () => void;
  xLabel?: string;
  logY?: boolean;
  testId?: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const width = Math.max(300, el.clientWidth);
    const plot = new uPlot({
      title,
      width,
      height: 220,
      scales: { x: { time: false }, y: logY ? { distr: 3 } : {} },
      axes: [{ label: xLabel, stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,0.15)' } }, { stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,0.15)' }, size: 56 }],
      series: [
        { label: xLabel },
        ...series.map((s) => ({
          label: s.label, stroke: s.color, width: s.width ?? 2, dash: s.dash, spanGaps: true,
          points: { show: s.points ? true : false, size: 5 },
        })),
      ],
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
    }, buffer.aligned() as uPlot.AlignedData, el);
    // Hovering the chart's title explains the metric in one sentence.
    const explanation = explainMetric(title);
    if (explanation) plot.root.querySelector('.u-title')?.setAttribute('title', explanation);
    let drawn = -1;
    const scheduler = new FrameScheduler(() => {
      if (drawn === buffer.version) return;
      drawn = buffer.version;
      plot.setData(buffer.aligned() as uPlot.AlignedData);
    });
    const unsubscribe = subscribe(() => scheduler.schedule());
    scheduler.schedule();
    const resize = new ResizeObserver(() => {
      const w = Math.max(300, el.clientWidth);
      if (w !== plot.width) plot.setSize({ width: w, height: 220 });
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      unsubscribe();
      scheduler.dispose();
      plot.destroy();
    };
  }, [buffer, series, subscribe, title, xLabel, logY]);
  return <div ref={host} className="mw-wp-chart" data-testid={testId} aria-label={`${title} chart`} />;
}
