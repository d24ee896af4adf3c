#!/bin/sh
# Runs once, when the data directory is first initialised (the image's /docker-entrypoint-initdb.d).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v app_password="$SWITCHBOARD_APP_PASSWORD" <<'SQL'
CREATE ROLE switchboard_app LOGIN PASSWORD :'app_password';
SQL
