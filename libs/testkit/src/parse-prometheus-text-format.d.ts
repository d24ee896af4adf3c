// The package ships no types; this covers the part scrape-metrics.ts uses.
declare module 'parse-prometheus-text-format' {
  /** One sample, or one histogram/summary series; numbers stay strings as in the text. */
  export interface ParsedSample {
    value?: string;
    labels?: Record<string, string>;
    buckets?: Record<string, string>;
    count?: string;
    sum?: string;
  }
  /** One metric family: `# HELP`, `# TYPE` and its samples. */
  export interface ParsedFamily {
    name: string;
    help: string;
    type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
    metrics: ParsedSample[];
  }
  export default function parsePrometheusTextFormat(text: string): ParsedFamily[];
}
