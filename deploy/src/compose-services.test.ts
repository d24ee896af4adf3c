import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { servicesWithoutProfile } from './compose-services.js';

describe('servicesWithoutProfile', () => {
  it('leaves out the services of a profile', () => {
    const config = 'services:\n  router: { image: r }\n  grafana: { image: g, profiles: [observability] }\n';

    expect(servicesWithoutProfile(config)).toEqual(['router']);
  });

  it('finds every Switchboard service, the one-shots and the infrastructure in docker-compose.yml, and nothing of the observability profile', () => {
    const compose = readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8');

    expect(servicesWithoutProfile(compose).sort()).toEqual(
      [
        'demo',
        'migrate',
        'monitor',
        'nats',
        'optimizer',
        'postgres',
        'prometheus',
        'registry',
        'resource-manager',
        'router',
        'worker',
      ].sort(),
    );
  });
});
