import pg from 'pg';

/** Bookkeeping tables of node-pg-migrate (`registry_migrations`, `monitor_migrations`, …): owner only. */
const MIGRATION_TABLE = /_migrations$/;

/** A Postgres identifier, quoted. */
function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

/**
 * Gives `role` exactly the DML the services need on the public schema, as the owner connected at
 * `ownerUrl`: USAGE on the schema, SELECT/INSERT/UPDATE/DELETE on every table, USAGE/SELECT on every
 * sequence, and nothing on the migrations' bookkeeping tables. No CREATE, ALTER, DROP or TRUNCATE:
 * those stay with the owner, who runs the migrations. Run after every migration run, so tables a
 * migration adds are granted too.
 * @throws Error from pg when the owner cannot connect or grant.
 */
export async function grantApplicationRole(ownerUrl: string, role: string): Promise<void> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    );
    const grantee = quote(role);
    const statements = [`GRANT USAGE ON SCHEMA public TO ${grantee}`];
    for (const { tablename } of rows) {
      const table = `public.${quote(tablename)}`;
      statements.push(
        MIGRATION_TABLE.test(tablename)
          ? `REVOKE ALL ON ${table} FROM ${grantee}`
          : `GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO ${grantee}`,
      );
    }
    statements.push(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${grantee}`);
    await client.query(`BEGIN; ${statements.join('; ')}; COMMIT`);
  } finally {
    await client.end();
  }
}
