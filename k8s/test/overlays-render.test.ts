import { describe, expect, it } from 'vitest';
import { OVERLAYS, renderOverlay } from './support/render-overlay.js';
import { findUnknownFields } from './support/find-unknown-fields.js';
import { validateObject } from './support/validate-object.js';

describe.each(OVERLAYS)('overlays/%s', (overlay) => {
  it('renders with kubectl kustomize', () => {
    expect(renderOverlay(overlay).length).toBeGreaterThan(0);
  });

  it('validates every object against the Kubernetes schemas and the CRDs it uses', async () => {
    const problems: string[] = [];
    for (const object of renderOverlay(overlay)) {
      await validateObject(object).catch((error: unknown) => problems.push((error as Error).message));
    }
    expect(problems).toEqual([]);
  });

  it('sets no field that its kind does not have', () => {
    expect(findUnknownFields(renderOverlay(overlay))).toEqual([]);
  });

  it('names no two objects of a kind alike', () => {
    const keys = renderOverlay(overlay).map(
      (object) => `${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`,
    );
    expect(keys.filter((key, index) => keys.indexOf(key) !== index)).toEqual([]);
  });

  it('puts every namespaced object in the namespace of the overlay', () => {
    const objects = renderOverlay(overlay);
    const namespace = objects.find((object) => object.kind === 'Namespace')?.metadata.name;
    expect(namespace).toMatch(/^switchboard/);
    const elsewhere = objects
      .filter((object) => object.kind !== 'Namespace' && object.metadata.namespace !== namespace)
      .map((object) => `${object.kind} ${object.metadata.name}`);
    expect(elsewhere).toEqual([]);
  });
});
