import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { ReportChartComponent, type ChartSeries } from './report-chart.component';

/** One day's row of a figure's table: the day's name, then one text a column. */
export interface FigureRow {
  date: string;
  day: string;
  cells: string[];
}

/** What one figure of the reports page shows: a chart of the days, and the same figures as a table. */
export interface ReportFigure {
  /** Names the section's heading and the test ids (`chart-…`, `table-…`). */
  key: string;
  heading: string;
  /** The disclosure's label that opens the table. */
  tableLabel: string;
  kind: 'bar' | 'line';
  series: ChartSeries[];
  /** The chart's name for anyone who cannot see it. */
  summary: string;
  yTitle: string;
  yMax?: number;
  /** The table's column headings after the day's. */
  columns: string[];
  rows: FigureRow[];
}

/** A section of the reports page: its heading, the chart, and a table with the chart's figures beside it. */
@Component({
  selector: 'parley-report-figure',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReportChartComponent],
  host: { '[attr.aria-labelledby]': 'figure().key + "-heading"', role: 'region' },
  template: `
    @let f = figure();
    <h2 [id]="f.key + '-heading'">{{ f.heading }}</h2>
    <figure>
      <parley-report-chart [kind]="f.kind" [labels]="labels()" [series]="f.series" [summary]="f.summary" [yTitle]="f.yTitle" [yMax]="f.yMax" [attr.data-testid]="'chart-' + f.key" />
      <details>
        <summary>{{ f.tableLabel }}</summary>
        <table [attr.data-testid]="'table-' + f.key">
          <thead>
            <tr>
              <th scope="col" i18n="@@desk.reports.day">Day</th>
              @for (column of f.columns; track $index) {
                <th scope="col" class="num">{{ column }}</th>
              }
            </tr>
          </thead>
          <tbody>
            @for (row of f.rows; track row.date) {
              <tr [attr.data-date]="row.date">
                <th scope="row">{{ row.day }}</th>
                @for (cell of row.cells; track $index) {
                  <td class="num">{{ cell }}</td>
                }
              </tr>
            }
          </tbody>
        </table>
      </details>
    </figure>
  `,
  styleUrls: ['./admin-table.css', './report-figure.component.css'],
})
export class ReportFigureComponent {
  readonly figure = input.required<ReportFigure>();
  /** The chart's labels under the x axis, one a day. */
  readonly labels = input.required<string[]>();
}
