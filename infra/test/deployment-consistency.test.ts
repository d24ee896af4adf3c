import { describe, expect, it } from 'vitest';
import { COMPOSE_FILE, readComposeDeployment } from './support/compose-environment.js';
import { listOverlays, renderOverlay } from './support/kubernetes-environment.js';
import { recordEnvironmentReads } from './support/record-environment-reads.js';
import { SERVICE_CONFIG_LOADERS, deployedServices } from './support/service-configs.js';

/**
 * Variables a deployment may set that no config.ts reads by name, and who reads them. Anything else
 * a service is given and does not read is a typo or a leftover.
 */
const READ_ELSEWHERE: Readonly<Record<string, string>> = {
  NODE_OPTIONS: 'Node.js itself',
  NODE_EXTRA_CA_CERTS: 'Node.js itself (a private CA for Postgres or NATS TLS)',
};
/** Variables config.ts takes by prefix when it walks the environment: readServiceConfig hands OTEL_* to OpenTelemetry. */
const READ_BY_PREFIX = ['OTEL_'];

/**
 * Runs the service's own loadConfig on `environment`, recording what it reads.
 * @returns the problems: loadConfig's error (a required variable unset, a malformed value) and every
 * variable set that the service does not read.
 */
function checkEnvironment(service: string, environment: Record<string, string>): string[] {
  const loadConfig = SERVICE_CONFIG_LOADERS[service];
  if (loadConfig === undefined) return [`no loadConfig for ${service} in support/service-configs.ts`];
  const recorded = recordEnvironmentReads(environment);
  const problems: string[] = [];
  try {
    loadConfig(recorded.environment);
  } catch (error) {
    problems.push(`loadConfig refuses it: ${(error as Error).message}`);
  }
  const { named, enumerated } = recorded.reads;
  // A reader that threw may have stopped before walking the environment: its error is the finding.
  const walked = enumerated || problems.length > 0;
  for (const variable of Object.keys(environment)) {
    const byPrefix = walked && READ_BY_PREFIX.some((prefix) => variable.startsWith(prefix));
    if (!named.has(variable) && !byPrefix && READ_ELSEWHERE[variable] === undefined)
      problems.push(`${variable} is set but ${service} never reads it`);
  }
  return problems;
}

const services = deployedServices();

describe('the compose and Kubernetes deployments', () => {
  it('have a config reader here for every service in services/', () => {
    expect(services.length).toBeGreaterThanOrEqual(6);
    expect(Object.keys(SERVICE_CONFIG_LOADERS).sort()).toEqual(services);
  });

  it(`run every service in services/ (but the CLI) in ${COMPOSE_FILE}`, () => {
    const { services: composed } = readComposeDeployment();
    expect(services.filter((service) => !composed.includes(service))).toEqual([]);
  });

  it.each(listOverlays())('run every service in services/ (but the CLI) in overlays/%s', (overlay) => {
    const { deployments } = renderOverlay(overlay);
    expect(services.filter((service) => !deployments.includes(service))).toEqual([]);
  });

  describe.each(services)('%s', (service) => {
    it(`starts with the environment ${COMPOSE_FILE} gives it, and reads every variable set there`, () => {
      const environment = readComposeDeployment().environmentOf(service);
      expect(checkEnvironment(service, environment)).toEqual([]);
    });

    it.each(listOverlays())(
      'starts with the environment overlays/%s gives it, and reads every variable set there',
      (overlay) => {
        const environment = renderOverlay(overlay).environmentOf(service);
        expect(checkEnvironment(service, environment)).toEqual([]);
      },
    );
  });
});
