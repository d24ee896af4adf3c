import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import type { ParsedFamily } from 'parse-prometheus-text-format';

/** One scrape of a /metrics endpoint, parsed as Prometheus reads the text format. */
export interface Scrape {
  readonly contentType: string | null;
  /** Every metric family in the scrape, by name. */
  readonly families: ReadonlyMap<string, ParsedFamily>;
  /**
   * The value of the counter or gauge sample whose labels are exactly `labels`; undefined when
   * there is no such series. @throws Error when the family is missing.
   */
  value(name: string, labels?: Record<string, string>): number | undefined;
  /** The label sets of a family's samples. @throws Error when the family is missing. */
  labelSets(name: string): Record<string, string>[];
}

/** GETs http://127.0.0.1:<port>/metrics and parses it. */
export async function scrapeMetrics(port: number): Promise<Scrape> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  if (response.status !== 200) throw new Error(`GET /metrics on ${port} answered ${response.status}`);
  const families = new Map(
    parsePrometheusTextFormat(await response.text()).map((family) => [family.name, family]),
  );
  const family = (name: string) => {
    const found = families.get(name);
    if (found === undefined) throw new Error(`no metric family ${name} on port ${port}`);
    return found;
  };
  return {
    contentType: response.headers.get('content-type'),
    families,
    value(name, labels = {}) {
      const sample = family(name).metrics.find((candidate) => sameLabels(candidate.labels ?? {}, labels));
      return sample === undefined ? undefined : Number(sample.value);
    },
    labelSets: (name) => family(name).metrics.map((sample) => sample.labels ?? {}),
  };
}

function sameLabels(actual: Record<string, string>, expected: Record<string, string>): boolean {
  const keys = Object.keys(expected);
  return Object.keys(actual).length === keys.length && keys.every((key) => actual[key] === expected[key]);
}
