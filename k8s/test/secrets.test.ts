import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import { describe, expect, it } from 'vitest';
import { OVERLAYS, objectNamed, objectsOfKind, renderOverlay } from './support/render-overlay.js';
import type { KubernetesObject } from './support/render-overlay.js';
import { exampleSecrets, resolveEnvironment } from './support/workloads.js';

/** Every Secret key a pod template uses: `env` secretKeyRefs and secret volumes (with their items). */
function secretReferences(objects: KubernetesObject[]): { user: string; secret: string; key?: string }[] {
  return objects
    .filter((object) => ['Deployment', 'StatefulSet', 'Job'].includes(object.kind))
    .flatMap((object) => {
      const user = `${object.kind} ${object.metadata.name}`;
      const spec = (object.spec as { template: IPodTemplateSpec }).template.spec!;
      const fromEnv = spec.containers.flatMap((container) =>
        (container.env ?? []).flatMap((variable) => {
          const reference = variable.valueFrom?.secretKeyRef;
          return reference === undefined ? [] : [{ user, secret: reference.name!, key: reference.key }];
        }),
      );
      const fromVolumes = (spec.volumes ?? []).flatMap((volume) => {
        const secret = volume.secret;
        if (secret === undefined) return [];
        const items = secret.items?.map((item) => ({ user, secret: secret.secretName!, key: item.key }));
        return items ?? [{ user, secret: secret.secretName! }];
      });
      return [...fromEnv, ...fromVolumes];
    });
}

function keysOf(secret: KubernetesObject): string[] {
  return [...Object.keys((secret.data ?? {}) as object), ...Object.keys((secret.stringData ?? {}) as object)];
}

describe('secrets.example.yaml', () => {
  it('holds placeholders only, none of which could pass for a real value', () => {
    for (const secret of exampleSecrets()) {
      expect(secret.data, secret.metadata.name).toBeUndefined();
      for (const [key, value] of Object.entries(secret.stringData as Record<string, string>)) {
        expect(value, `${secret.metadata.name}.${key}`).toContain('REPLACE');
      }
    }
  });
});

describe.each(OVERLAYS)('Secrets of overlays/%s', (overlay) => {
  const objects = renderOverlay(overlay);
  const rendered = objectsOfKind(objects, 'Secret');

  if (overlay !== 'dev') {
    it('renders no Secret: production credentials never live in these files', () => {
      expect(rendered.map((secret) => secret.metadata.name)).toEqual([]);
    });
  }

  it('uses only Secrets and keys that secrets.example.yaml documents (or dev generates)', () => {
    const available = overlay === 'dev' ? rendered : exampleSecrets();
    const missing = secretReferences(objects).filter(({ secret, key }) => {
      const found = available.find((candidate) => candidate.metadata.name === secret);
      return found === undefined || (key !== undefined && !keysOf(found).includes(key));
    });
    expect(missing).toEqual([]);
  });

  if (overlay === 'dev') {
    it('generates every Secret key of the example that dev uses, under the same names', () => {
      for (const { secret, key } of secretReferences(objects)) {
        const example = exampleSecrets().find((candidate) => candidate.metadata.name === secret);
        if (example !== undefined && key !== undefined && !['owner-password', 'app-password'].includes(key)) {
          expect(keysOf(example), `${secret}.${key}`).toContain(key);
        }
      }
    });
  }

  it("gives the schema owner's credentials to the migrations Job alone", () => {
    const owners = secretReferences(objects).filter(({ key }) => key === 'migration-url');
    expect(owners.map(({ user }) => user)).toEqual(['Job migrations']);
  });

  it('runs the migrations Job with a database URL for the owner and one for the application role', () => {
    const job = objectNamed<IJob>(objects, 'Job', 'migrations');
    const container = job.spec!.template.spec!.containers[0]!;
    const { environment, unresolved } = resolveEnvironment(
      objects,
      { name: 'migrations-x2k8q', namespace: job.metadata!.namespace!, spec: job.spec!.template.spec! },
      container,
    );
    expect(unresolved).toEqual([]);
    const owner = new URL(environment.DATABASE_MIGRATION_URL!);
    const application = new URL(environment.DATABASE_URL!);
    expect(owner.username).not.toBe(application.username);
    expect(owner.pathname).toBe(application.pathname);
    expect(container.image).toMatch(/^switchboard\/cli:[\w.-]+$/);
    expect(container.args).toEqual(['migrate']);
  });
});
