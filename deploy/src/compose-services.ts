import { parse } from 'yaml';

/**
 * The services `docker-compose up` starts when no profile is enabled: those of the resolved
 * configuration (`docker-compose config`) without a `profiles` list.
 */
export function servicesWithoutProfile(composeConfig: string): string[] {
  const config = parse(composeConfig) as { services?: Record<string, { profiles?: unknown }> } | null;
  return Object.entries(config?.services ?? {})
    .filter(([, service]) => !Array.isArray(service.profiles) || service.profiles.length === 0)
    .map(([name]) => name);
}
