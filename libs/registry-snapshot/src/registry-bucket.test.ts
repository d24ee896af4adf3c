import { describe, expect, it } from 'vitest';
import { modelKey, parseRegistryKey, routeKey, tenantKey } from './registry-bucket.js';

describe('parseRegistryKey', () => {
  it('reads back the kind and name of the keys the registry writes', () => {
    expect(parseRegistryKey(modelKey('classifier-small'))).toEqual({
      kind: 'model',
      name: 'classifier-small',
    });
    expect(parseRegistryKey(routeKey('triage'))).toEqual({ kind: 'route', name: 'triage' });
    expect(parseRegistryKey(tenantKey('ba7816bf'))).toEqual({ kind: 'tenant', name: 'ba7816bf' });
  });

  it('keeps every dot after the first as part of the name', () => {
    expect(parseRegistryKey(modelKey('bert.v2.int8'))).toEqual({ kind: 'model', name: 'bert.v2.int8' });
  });

  it('returns undefined for keys that are not a model, route or tenant', () => {
    expect(parseRegistryKey('jobs.classifier')).toBeUndefined();
    expect(parseRegistryKey('models')).toBeUndefined();
    expect(parseRegistryKey('modelsx')).toBeUndefined();
    expect(parseRegistryKey('modelsx.classifier')).toBeUndefined();
    expect(parseRegistryKey('constructor.classifier')).toBeUndefined();
    expect(parseRegistryKey('')).toBeUndefined();
  });
});
