import { describe, expect, it } from 'vitest';
import { loadCliConfig } from '../config.js';
import { createUpAuth } from './up-auth.js';

describe('createUpAuth', () => {
  it('gives each service its own NATS user, the admin token only where it is checked, and the router API keys', () => {
    const auth = createUpAuth(loadCliConfig({ SWITCHBOARD_ADMIN_TOKEN: 'given-admin-token-0123456789' }));
    const worker = auth.natsUsers?.passwords['worker'] ?? '';

    expect(auth.environmentOf('registry')).toMatchObject({
      NATS_USER: 'registry',
      SWITCHBOARD_ADMIN_TOKEN: 'given-admin-token-0123456789',
    });
    expect(auth.environmentOf('monitor')).not.toHaveProperty('SWITCHBOARD_ADMIN_TOKEN');
    expect(auth.environmentOf('router')).toMatchObject({ NATS_USER: 'router', ROUTER_AUTH: 'required' });
    expect(auth.environmentOf('resource-manager')).toMatchObject({
      NATS_USER: 'resource-manager',
      RM_LOCAL_WORKER_ENV: `SWITCHBOARD_ADMIN_TOKEN=,NATS_USER=worker,NATS_PASSWORD=${worker}`,
    });
    expect(auth.generated).toEqual(['demo API key']);
  });

  it('leaves NATS logins out when NATS_URL names a server it does not start', () => {
    const auth = createUpAuth(loadCliConfig({ NATS_URL: 'nats://127.0.0.1:4222' }));

    expect(auth.natsUsers).toBeUndefined();
    expect(auth.environmentOf('monitor')).not.toHaveProperty('NATS_USER');
    expect(auth.environmentOf('resource-manager')).toMatchObject({
      RM_LOCAL_WORKER_ENV: 'SWITCHBOARD_ADMIN_TOKEN=',
    });
    expect(auth.generated).toEqual(['admin token', 'demo API key']);
  });
});
