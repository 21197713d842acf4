import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import {
  DatasetComponent,
  GridComponent,
  LegendComponent,
  TooltipComponent,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { EChartsOption } from 'echarts';

// Only what the dashboard draws, so the chart chunk stays small. A few lines of our own instead
// of echarts-for-react, whose ESM build imports tslib without declaring it.
echarts.use([
  BarChart,
  LineChart,
  DatasetComponent,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  CanvasRenderer,
]);

/** One ECharts canvas that follows its container's size. Other features register the extra
 * chart types they need with `echarts.use` before rendering it. */
export function EChart({
  option,
  label,
  height,
  testId = 'chart',
}: {
  option: EChartsOption;
  label: string;
  /** Fixed height in pixels; by default the `.chart` class decides. */
  height?: number;
  testId?: string;
}) {
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    const node = element.current;
    if (!node) return;
    const instance = echarts.init(node, undefined, { renderer: 'canvas' });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(node);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  return (
    <div
      ref={element}
      role="img"
      aria-label={label}
      className="chart"
      data-testid={testId}
      {...(height === undefined ? {} : { style: { width: '100%', height } })}
    />
  );
}
