import * as echarts from 'echarts/core';
import { HeatmapChart } from 'echarts/charts';
import { VisualMapComponent } from 'echarts/components';
import type { EChartsOption } from 'echarts';
import { EChart } from '../dashboard/echart.tsx';

// The analytics page also draws heat maps (RFM grid, cohorts); the rest is registered by EChart.
echarts.use([HeatmapChart, VisualMapComponent]);

export function AnalyticsChart({
  option,
  label,
  height = 360,
  testId,
}: {
  option: EChartsOption;
  label: string;
  height?: number;
  testId: string;
}) {
  return <EChart option={option} label={label} height={height} testId={testId} />;
}
