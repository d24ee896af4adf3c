#!/bin/bash
# PostgreSQL for docker-compose.yml. On every start, before it listens on the network:
#  - creates the cluster in $PGDATA on the first start (the superuser `postgres` logs in only over the
#    container's local socket; every network login needs a password, scram-sha-256);
#  - makes sure the schema owner ($POSTGRES_OWNER_USER, runs the migrations) and the application role
#    ($POSTGRES_APP_USER, what the services connect as: DML only, granted by the migrations) exist
#    with the passwords the environment gives now, and the database $POSTGRES_DB owned by the owner.
set -euo pipefail

: "${POSTGRES_DB:=switchboard}"
: "${POSTGRES_OWNER_USER:=switchboard_owner}"
: "${POSTGRES_APP_USER:=switchboard_app}"
: "${POSTGRES_OWNER_PASSWORD:?set POSTGRES_OWNER_PASSWORD (see .env.example)}"
: "${POSTGRES_APP_PASSWORD:?set POSTGRES_APP_PASSWORD (see .env.example)}"

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  initdb --username=postgres --auth-local=peer --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 \
    -D "$PGDATA" >/dev/null
  {
    echo "listen_addresses = '*'"
    echo "password_encryption = 'scram-sha-256'"
  } >>"$PGDATA/postgresql.conf"
  echo "host all all 0.0.0.0/0 scram-sha-256" >>"$PGDATA/pg_hba.conf"
  echo "host all all ::/0 scram-sha-256" >>"$PGDATA/pg_hba.conf"
  echo "postgres: created the cluster in $PGDATA"
fi

# Local socket only while the roles are set up: nothing can connect over the network meanwhile.
pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
psql -v ON_ERROR_STOP=1 -q -U postgres -d postgres \
  -v owner="$POSTGRES_OWNER_USER" -v owner_password="$POSTGRES_OWNER_PASSWORD" \
  -v app="$POSTGRES_APP_USER" -v app_password="$POSTGRES_APP_PASSWORD" -v db="$POSTGRES_DB" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'owner') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'owner') \gexec
SELECT format('CREATE ROLE %I LOGIN', :'app') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app') \gexec
ALTER ROLE :"owner" LOGIN PASSWORD :'owner_password';
ALTER ROLE :"app" LOGIN PASSWORD :'app_password';
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'owner') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'db') \gexec
SELECT format('GRANT CONNECT ON DATABASE %I TO %I', :'db', :'app') \gexec
SQL
pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
echo "postgres: roles $POSTGRES_OWNER_USER (owner) and $POSTGRES_APP_USER (application) ready in database $POSTGRES_DB"

exec postgres -D "$PGDATA"
