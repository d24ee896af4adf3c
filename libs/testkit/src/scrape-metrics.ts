import parsePrometheusTextFormat from 'parse-prometheus-text-format';

/** Label names to values. */
export type MetricLabels = Readonly<Record<string, string>>;

/** One sample, or one histogram/summary series, as the parser reads it; numbers stay strings as in the text. */
export interface MetricSample {
  readonly value?: string;
  readonly labels?: MetricLabels;
  readonly buckets?: MetricLabels;
  readonly count?: string;
  readonly sum?: string;
}

/** One metric family: `# HELP`, `# TYPE` and its samples. */
export interface MetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
  readonly metrics: readonly MetricSample[];
}

/** One labelled histogram series. */
export interface HistogramSeries {
  /** Cumulative counts by upper bound (`le`), in exposition order. */
  readonly buckets: ReadonlyMap<string, number>;
  readonly sum: number;
  readonly count: number;
}

/** One scrape of a /metrics endpoint, read as Prometheus reads the text format. */
export interface MetricsScrape {
  /** The response's Content-Type header. */
  readonly contentType: string | null;
  /** Every metric family in the scrape, by name. */
  readonly families: ReadonlyMap<string, MetricFamily>;
  /** The family called `name`. @throws Error when the scrape has none. */
  family(name: string): MetricFamily;
  /**
   * The value of the counter or gauge sample whose labels are exactly `labels` (none by default).
   * @throws Error when the family or the sample is missing (the message lists the label sets seen).
   */
  value(name: string, labels?: MetricLabels): number;
  /** The label sets of a family's samples. @throws Error when the family is missing. */
  labelSets(name: string): MetricLabels[];
  /**
   * The histogram series whose labels (besides `le`) are exactly `labels` (none by default).
   * @throws Error when there is no such series.
   */
  histogram(name: string, labels?: MetricLabels): HistogramSeries;
}

/**
 * GETs `http://127.0.0.1:<port>/metrics` and parses the Prometheus text format.
 * @throws Error when the endpoint answers anything but 200, or cannot be reached.
 */
export async function scrapeMetrics(port: number): Promise<MetricsScrape> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  if (response.status !== 200) throw new Error(`GET /metrics on ${port} answered ${response.status}`);
  const text = await response.text();
  const families: ReadonlyMap<string, MetricFamily> = new Map(
    parsePrometheusTextFormat(text).map((family) => [family.name, family]),
  );
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
    families,
    family,
    value: (name, labels = {}) => Number(findSample(family(name).metrics, name, labels).value),
    labelSets: (name) => family(name).metrics.map((sample) => sample.labels ?? {}),
    histogram(name, labels = {}) {
      const buckets = new Map(
        samplesOf(`${name}_bucket`)
          .filter((sample) => sameLabels(withoutLe(sample.labels), labels))
          .map((sample) => [sample.labels?.le ?? '', Number(sample.value)]),
      );
      if (buckets.size === 0) throw new Error(`no ${name} histogram with ${JSON.stringify(labels)}`);
      const sum = Number(findSample(samplesOf(`${name}_sum`), name, labels).value);
      return { buckets, sum, count: Number(findSample(samplesOf(`${name}_count`), name, labels).value) };
    },
  };
}

function findSample(samples: readonly MetricSample[], name: string, labels: MetricLabels): MetricSample {
  const found = samples.find((sample) => sameLabels(sample.labels ?? {}, labels));
  if (found !== undefined) return found;
  const seen = samples.map((sample) => JSON.stringify(sample.labels ?? {})).join(' ');
  throw new Error(`no ${name} sample with ${JSON.stringify(labels)}; have ${seen || 'none'}`);
}

function withoutLe(labels: MetricLabels = {}): MetricLabels {
  const { le: _le, ...rest } = labels;
  return rest;
}

function sameLabels(actual: MetricLabels, expected: MetricLabels): boolean {
  const keys = Object.keys(expected);
  return Object.keys(actual).length === keys.length && keys.every((key) => actual[key] === expected[key]);
}
