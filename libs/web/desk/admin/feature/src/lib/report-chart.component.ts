import { ChangeDetectionStrategy, Component, DestroyRef, ElementRef, effect, inject, input, signal, viewChild } from '@angular/core';
import type { Chart } from 'chart.js';

export interface ChartSeries {
  label: string;
  data: Array<number | null>;
  color: string;
}

/**
 * One chart of the reports page, drawn by Chart.js. The library is imported
 * when the first chart is drawn, so it stays out of the desk's initial
 * JavaScript. The canvas is an image whose name is `summary`; the page puts
 * the same figures in a table beside it for anyone who cannot see it.
 */
@Component({
  selector: 'parley-report-chart',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<div class="frame"><canvas #canvas role="img" [attr.aria-label]="summary()"></canvas></div>`,
  host: { '[attr.data-state]': 'state()' },
  styles: `
    :host { display: block; }
    .frame { position: relative; height: 16rem; }
  `,
})
export class ReportChartComponent {
  readonly kind = input.required<'bar' | 'line'>();
  readonly labels = input.required<string[]>();
  readonly series = input.required<ChartSeries[]>();
  readonly summary = input.required<string>();
  /** What the y axis counts (the unit). */
  readonly yTitle = input('');
  readonly yMax = input<number | undefined>(undefined);
  protected readonly state = signal<'loading' | 'drawn' | 'failed'>('loading');
  private readonly canvas = viewChild.required<ElementRef<HTMLCanvasElement>>('canvas');
  private chart: Chart | null = null;
  private destroyed = false;

  constructor() {
    effect(() => {
      const config = { kind: this.kind(), labels: this.labels(), series: this.series(), yTitle: this.yTitle(), yMax: this.yMax() };
      void this.draw(config);
    });
    inject(DestroyRef).onDestroy(() => {
      this.destroyed = true;
      this.chart?.destroy();
    });
  }

  private async draw(config: { kind: 'bar' | 'line'; labels: string[]; series: ChartSeries[]; yTitle: string; yMax: number | undefined }): Promise<void> {
    try {
      const { Chart } = await loadChartJs();
      if (this.destroyed) return;
      this.chart?.destroy();
      const canvas = this.canvas().nativeElement;
      // a canvas does not follow the page's direction: in a right-to-left language the days run from the right
      const rtl = getComputedStyle(canvas).direction === 'rtl';
      const textDirection = rtl ? 'rtl' : 'ltr';
      this.chart = new Chart(canvas, {
        type: config.kind,
        data: {
          labels: config.labels,
          datasets: config.series.map((s) => ({
            label: s.label,
            data: s.data,
            backgroundColor: s.color,
            borderColor: s.color,
            spanGaps: true,
            pointRadius: 3,
          })),
        },
        options: {
          // Drawn at once: no motion to sit through, and the figures are final when the state says so.
          animation: false,
          responsive: true,
          maintainAspectRatio: false,
          scales: {
            x: { reverse: rtl },
            y: { position: rtl ? 'right' : 'left', beginAtZero: true, max: config.yMax, title: { display: !!config.yTitle, text: config.yTitle } },
          },
          plugins: { legend: { position: 'bottom', rtl, textDirection }, tooltip: { rtl, textDirection } },
        },
      });
      this.state.set('drawn');
    } catch {
      this.state.set('failed');
    }
  }
}

let chartJs: Promise<typeof import('chart.js')> | null = null;

/** Chart.js with only what these charts use registered (bars, lines, two axes, legend, tooltips). */
function loadChartJs(): Promise<typeof import('chart.js')> {
  return (chartJs ??= import('chart.js').then((module) => {
    module.Chart.register(
      module.BarController,
      module.BarElement,
      module.LineController,
      module.LineElement,
      module.PointElement,
      module.CategoryScale,
      module.LinearScale,
      module.Legend,
      module.Tooltip,
    );
    return module;
  }));
}
