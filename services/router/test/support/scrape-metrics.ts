import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import type { ParsedFamily, ParsedSample } from 'parse-prometheus-text-format';

/** One labelled histogram series. */
export interface HistogramSeries {
  /** Cumulative counts by upper bound (`le`), in exposition order. */
  readonly buckets: Map<string, number>;
  readonly sum: number;
  readonly count: number;
}

/** One scrape: the metric families by name, as Prometheus would read them. */
export interface Scrape {
  readonly contentType: string | null;
  /** Every metric family name in the scrape. */
  readonly names: string[];
  family(name: string): ParsedFamily;
  /** The numeric value of the counter or gauge sample whose labels are exactly `labels`. @throws when there is none. */
  value(name: string, labels?: Record<string, string>): number;
  /** The histogram series whose labels (besides `le`) are exactly `labels`. @throws when there is none. */
  histogram(name: string, labels?: Record<string, string>): HistogramSeries;
}

/** GETs http://127.0.0.1:<port>/metrics and parses the Prometheus text format. */
export async function scrapeMetrics(port: number): Promise<Scrape> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  if (response.status !== 200) throw new Error(`GET /metrics on ${port} answered ${response.status}`);
  const text = await response.text();
  const families = new Map(parsePrometheusTextFormat(text).map((family) => [family.name, family]));
  // The parser keeps only one series of a labelled histogram; read as untyped, every
  // _bucket/_sum/_count line stays a sample with its labels.
  const untyped = parsePrometheusTextFormat(text.replace(/^(# TYPE \S+) histogram$/gm, '$1 untyped'));
  const family = (name: string) => {
    const found = families.get(name);
    if (found === undefined) throw new Error(`no metric family ${name} on port ${port}`);
    return found;
  };
  const samplesOf = (name: string) =>
    untyped.filter((entry) => entry.name === name).flatMap((entry) => entry.metrics);
  return {
    contentType: response.headers.get('content-type'),
    names: [...families.keys()],
    family,
    value: (name, labels = {}) => Number(find(family(name).metrics, name, labels).value),
    histogram(name, labels = {}) {
      const buckets = new Map(
        samplesOf(`${name}_bucket`)
          .filter((sample) => sameLabels(withoutLe(sample.labels), labels))
          .map((sample) => [sample.labels?.le ?? '', Number(sample.value)]),
      );
      if (buckets.size === 0) throw new Error(`no ${name} histogram with ${JSON.stringify(labels)}`);
      const sum = Number(find(samplesOf(`${name}_sum`), name, labels).value);
      return { buckets, sum, count: Number(find(samplesOf(`${name}_count`), name, labels).value) };
    },
  };
}

function find(samples: ParsedSample[], name: string, labels: Record<string, string>): ParsedSample {
  const found = samples.find((sample) => sameLabels(sample.labels ?? {}, labels));
  if (found !== undefined) return found;
  const seen = samples.map((sample) => JSON.stringify(sample.labels ?? {})).join(' ');
  throw new Error(`no ${name} sample with ${JSON.stringify(labels)}; have ${seen}`);
}

function withoutLe(labels: Record<string, string> = {}): Record<string, string> {
  const { le: _le, ...rest } = labels;
  return rest;
}

function sameLabels(actual: Record<string, string>, expected: Record<string, string>): boolean {
  const keys = Object.keys(expected);
  return Object.keys(actual).length === keys.length && keys.every((key) => actual[key] === expected[key]);
}
