import { BarChart as EBar } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { yuan } from '../lib/format.ts';

// Only the pieces used: bars, a grid, a legend and tooltips, drawn as SVG (no canvas sizing quirks).
echarts.use([EBar, GridComponent, LegendComponent, TooltipComponent, AriaComponent, SVGRenderer]);

export interface Series {
  name: string;
  /** Integer fen per category, in the order of `categories`. */
  values: number[];
  color: string;
}

/**
 * Horizontal bars, one row per category (a court, a case type), amounts in yuan. `stacked` stacks the
 * series (disbursed + reserved + remaining = allocated). `label` is the chart's accessible name; the
 * same figures are in a table beside it.
 */
export function BarChart({
  categories,
  series,
  stacked = false,
  label,
  testId,
}: {
  categories: string[];
  series: Series[];
  stacked?: boolean;
  label: string;
  testId?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const height = Math.max(160, categories.length * 36 + 80);
  useEffect(() => {
    if (!ref.current) return;
    const chart = echarts.init(ref.current, undefined, { renderer: 'svg' });
    chart.setOption({
      aria: { enabled: true, label: { description: label } },
      animation: false,
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        valueFormatter: (v: unknown) => (typeof v === 'number' ? yuan(Math.round(v * 100)) : String(v)),
      },
      legend: { top: 0 },
      grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: 'value', axisLabel: { formatter: (v: number) => v.toLocaleString('zh-CN') } },
      yAxis: { type: 'category', data: categories, inverse: true },
      series: series.map((s) => ({
        name: s.name,
        type: 'bar',
        ...(stacked ? { stack: 'total' } : {}),
        itemStyle: { color: s.color },
        data: s.values.map((fen) => fen / 100),
      })),
    });
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
    };
  }, [categories, series, stacked, label]);
  return (
    <div ref={ref} role="img" aria-label={label} data-testid={testId} style={{ width: '100%', height }} />
  );
}
