export type { MigrationOptions } from './run-migrations.js';
export { runMigrations } from './run-migrations.js';
