// A small hand-written SVG chart per widget: how one numeric field of the source's records
// is distributed (a dozen bins, whatever the record count), redrawn as events change them.
import { useMemo, useState } from 'react';
import type { SourceState } from '@freshet/client';
import { useI18n } from '../i18n/i18n-context';
import { formatCell } from '../i18n/format';
import { barRects, histogram, niceCeiling, numericFields } from './chart-scale';

const WIDTH = 320;
const HEIGHT = 96;

export function Histogram({ source, records }: { source: string; records: SourceState['records'] }) {
  const { t, lang } = useI18n();
  const fields = useMemo(() => numericFields(records.slice(0, 50).map((r) => r.record)), [records]);
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const field = chosen !== undefined && fields.includes(chosen) ? chosen : fields[0];
  const bins = useMemo(() => (field === undefined ? [] : histogram(records.map((r) => r.record[field]))), [records, field]);

  if (field === undefined) return <p className="chart-none" data-testid={`chart-${source}`}>{t.widgets.noNumericField}</p>;
  const counts = bins.map((bin) => bin.count);
  const rects = barRects(counts, WIDTH, HEIGHT);
  const top = niceCeiling(Math.max(0, ...counts));
  const format = (n: number) => formatCell(Math.round(n * 100) / 100, lang);
  return (
    <figure className="chart" data-testid={`chart-${source}`} data-field={field}>
      <figcaption>
        <label>
          <span className="visually-hidden">{t.widgets.chartField}</span>
          <select data-testid={`chart-field-${source}`} value={field} onChange={(event) => setChosen(event.target.value)}>
            {fields.map((f) => (
              <option key={f} value={f}>
                {t.widgets.chartOf(f)}
              </option>
            ))}
          </select>
        </label>
      </figcaption>
      {/* Labels stay HTML: the SVG stretches to the widget's width, which would distort text. */}
      <div className="chart-top">{top}</div>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={t.widgets.chartOf(field)} preserveAspectRatio="none">
        {rects.map((rect, i) => (
          <rect key={i} className="bar" data-testid={`bar-${source}-${i}`} data-count={counts[i]} x={rect.x} y={rect.y} width={rect.width} height={rect.height}>
            <title>{t.widgets.bar(format(bins[i]!.from), format(bins[i]!.to), counts[i]!)}</title>
          </rect>
        ))}
        <line className="axis" x1={0} y1={HEIGHT} x2={WIDTH} y2={HEIGHT} vectorEffect="non-scaling-stroke" />
      </svg>
      <div className="chart-range">
        <span>{format(bins[0]?.from ?? 0)}</span>
        <span>{format(bins[bins.length - 1]?.to ?? 0)}</span>
      </div>
    </figure>
  );
}
