import { parse } from 'yaml';

/** One active target of Prometheus' /api/v1/targets answer (the fields used here). */
export interface ActiveTarget {
  readonly labels: Readonly<Record<string, string>>;
  readonly scrapeUrl: string;
  readonly health: string;
  readonly lastError: string;
}

/** The job names of a Prometheus configuration file's scrape_configs. */
export function scrapeJobNames(prometheusYaml: string): string[] {
  const config = parse(prometheusYaml) as { scrape_configs?: { job_name?: unknown }[] } | null;
  return (config?.scrape_configs ?? []).flatMap((scrape) =>
    typeof scrape.job_name === 'string' ? [scrape.job_name] : [],
  );
}

/**
 * What is wrong with Prometheus' targets: every job must have at least `minimumTargets[job]` (default
 * 1) targets, and every target must be up. Empty when all is well.
 */
export function targetProblems(
  jobs: readonly string[],
  targets: readonly ActiveTarget[],
  minimumTargets: Readonly<Record<string, number>> = {},
): string[] {
  const problems: string[] = [];
  for (const job of jobs) {
    const own = targets.filter((target) => target.labels['job'] === job);
    const wanted = minimumTargets[job] ?? 1;
    if (own.length < wanted) problems.push(`${job}: ${own.length} target(s), expected at least ${wanted}`);
    for (const target of own) {
      if (target.health !== 'up') {
        problems.push(
          `${job}: ${target.scrapeUrl} is ${target.health}${target.lastError === '' ? '' : ` (${target.lastError})`}`,
        );
      }
    }
  }
  return problems;
}
