import { fileURLToPath } from 'node:url';
import type { MigrationSet } from '@switchboard/migrations';

/**
 * The registry's SQL migrations, shipped next to dist/ (resolved from this file, not the cwd), and its
 * bookkeeping table: applied at start (`DATABASE_MIGRATIONS=apply`) or by `switchboard migrate`.
 */
export const REGISTRY_MIGRATIONS: MigrationSet = {
  directory: fileURLToPath(new URL('../migrations', import.meta.url)),
  table: 'registry_migrations',
};
