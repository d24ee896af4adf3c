#!/bin/sh
# Prints .env.example with every `changeme…` placeholder replaced by a fresh random secret ("sb" + 48 hex
# digits: letters and digits only, starting with a letter, as nats-server and the URLs need).
#   deploy/compose-env.sh > .env
set -eu
example="$(dirname "$0")/../.env.example"
while IFS= read -r line || [ -n "$line" ]; do
  case "$line" in
    *=changeme*) printf '%s=sb%s\n' "${line%%=*}" "$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')" ;;
    *) printf '%s\n' "$line" ;;
  esac
done <"$example"
