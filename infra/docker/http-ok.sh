#!/bin/bash
# http-ok HOST PORT PATH: exits 0 when GET http://HOST:PORT/PATH answers 200. The healthcheck of the
# infrastructure images, which have no curl or wget: bash's /dev/tcp is enough for one request.
set -euo pipefail
exec 3<>"/dev/tcp/$1/$2"
printf 'GET %s HTTP/1.0\r\nHost: %s\r\n\r\n' "$3" "$1" >&3
IFS= read -r -t 3 status <&3
[[ "$status" == HTTP/1.?" 200 "* ]] || { echo "unhealthy: ${status:-no answer}" >&2; exit 1; }
