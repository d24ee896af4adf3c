import { existsSync } from 'node:fs';
import postgres from 'postgres';
import { afterEach, describe, expect, it } from 'vitest';
import { startLocalPostgres } from '../src/start-local-postgres.js';
import type { LocalPostgres } from '../src/start-local-postgres.js';
import { isProcessAlive, listDescendants } from './process-table.js';

describe('startLocalPostgres', () => {
  const started: LocalPostgres[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((server) => server.stop()));
  });

  it('starts a throwaway cluster that answers queries as the postgres superuser', async () => {
    const server = await startLocalPostgres();
    started.push(server);
    expect(server.url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);

    const sql = postgres(server.url, { max: 1 });
    try {
      const rows = await sql<
        { one: number; superuser: boolean }[]
      >`select 1 as one, usesuper as superuser from pg_user where usename = current_user`;
      expect(rows).toEqual([{ one: 1, superuser: true }]);
    } finally {
      await sql.end();
    }
  });

  it('keeps its data across stopServer and restartServer, and a pooled client reconnects', async () => {
    const server = await startLocalPostgres();
    started.push(server);
    const sql = postgres(server.url, { max: 1, onnotice: () => undefined });
    try {
      await sql`create table kept (value text)`;
      await sql`insert into kept values ('before the outage')`;

      await server.stopServer();
      await expect(sql`select 1`).rejects.toThrow();
      await server.restartServer();

      expect(await sql`select value from kept`).toEqual([{ value: 'before the outage' }]);
    } finally {
      await sql.end({ timeout: 0 });
    }
  });

  it('leaves no postgres process and no cluster directory behind, even with a client connected', async () => {
    const server = await startLocalPostgres();
    started.push(server);
    const sql = postgres(server.url, { max: 1 });
    await sql`select 1`;

    await server.stop();
    // The server cut the connection; end() only releases the client side.
    await sql.end({ timeout: 0 });

    expect(isProcessAlive(server.pid)).toBe(false);
    expect(existsSync(server.directory)).toBe(false);
    expect(listDescendants().filter((entry) => entry.command === 'postgres')).toEqual([]);
  });
});
