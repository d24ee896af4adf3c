export type { MigrationOptions, MigrationSet } from './run-migrations.js';
export { runMigrations } from './run-migrations.js';
