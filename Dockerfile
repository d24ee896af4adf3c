# Switchboard's images: one target per service (router, registry, worker, monitor, optimizer,
# resource-manager), the CLI (the one-shot migrations and demo setup of docker-compose.yml), and the
# infrastructure compose runs (nats, postgres, prometheus; otel-collector under a profile).
#
# Everything starts from debian:trixie-slim with Debian's packages (Node.js 20.19, nats-server,
# PostgreSQL 17, Prometheus 2.53), so the same file builds wherever Debian's mirror is reachable.
# BuildKit is required (RUN --mount):
#   DOCKER_BUILDKIT=1 docker build --target router -t switchboard/router .
# Behind a TLS-intercepting proxy, hand npm the proxy's CA bundle as a secret (ignored when absent):
#   --secret id=ca,src=/etc/ssl/certs/ca-certificates.crt

ARG BASE_IMAGE=debian:trixie-slim

# ---- Node.js runtime shared by every Switchboard image ------------------------------------------
FROM ${BASE_IMAGE} AS node
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs ca-certificates \
 && rm -rf /var/lib/apt/lists/*

# ---- Build: install, generate, compile, train the demo models, then one production tree per service
FROM node AS build
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends npm \
 && rm -rf /var/lib/apt/lists/*
RUN --mount=type=secret,id=ca,required=false \
    NODE_EXTRA_CA_CERTS=/run/secrets/ca npm install -g --no-fund --no-audit pnpm@12.21.0
ENV CI=true TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
WORKDIR /src
# The lockfile alone decides what is downloaded: this layer is rebuilt only when it changes.
COPY pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
RUN --mount=type=secret,id=ca,required=false --mount=type=cache,id=switchboard-pnpm,target=/pnpm-store \
    NODE_EXTRA_CA_CERTS=/run/secrets/ca pnpm fetch --store-dir /pnpm-store
COPY . .
RUN --mount=type=cache,id=switchboard-pnpm,target=/pnpm-store \
    pnpm install --frozen-lockfile --offline --store-dir /pnpm-store
# turbo's cache survives between builds: only packages whose sources changed are compiled again.
RUN --mount=type=cache,id=switchboard-turbo,target=/src/.turbo/cache \
    pnpm turbo run build --output-logs=errors-only --cache-dir=.turbo/cache --filter='./services/*'
# A self-contained production tree per service (its dependencies only; workspace packages copied in),
# without the ONNX Runtime binaries of other platforms (~220 MB of the package's 288 MB).
RUN --mount=type=cache,id=switchboard-pnpm,target=/pnpm-store \
    set -eu; \
    case "$(uname -m)" in x86_64) arch=x64 ;; aarch64) arch=arm64 ;; *) arch="$(uname -m)" ;; esac; \
    for service in router registry worker monitor optimizer resource-manager cli; do \
      pnpm --filter "@switchboard/${service}" deploy --prod --offline --store-dir /pnpm-store "/out/${service}"; \
      rm -f "/out/${service}/pnpm-lock.yaml" "/out/${service}/pnpm-workspace.yaml"; \
      for bin in /out/${service}/node_modules/.pnpm/onnxruntime-node@*/node_modules/onnxruntime-node/bin/napi-v*; do \
        [ -d "$bin" ] || continue; \
        find "$bin" -mindepth 1 -maxdepth 1 ! -name linux -exec rm -rf {} +; \
        find "$bin/linux" -mindepth 1 -maxdepth 1 ! -name "$arch" -exec rm -rf {} +; \
      done; \
      find /out/${service}/node_modules/.pnpm -maxdepth 4 -path '*/node_modules/@switchboard/*' \
        \( -name src -o -name '*.tsbuildinfo' -o -name 'tsconfig*.json' -o -name 'vitest.config.ts' \) \
        -exec rm -rf {} +; \
    done
# The demo classifiers, where workers load them and where `switchboard demo` says they are.
RUN mkdir -p /out/models && cp models/generated/*.onnx models/generated/manifest.json /out/models/

# ---- What every Switchboard image has: a non-root user and the health probe ---------------------
FROM node AS runtime
RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home --shell /usr/sbin/nologin switchboard
COPY infra/docker/health-probe.mjs /usr/local/lib/switchboard/health-probe.mjs
ENV NODE_ENV=production
WORKDIR /app
USER switchboard
STOPSIGNAL SIGTERM
CMD ["node", "dist/main.js"]

FROM runtime AS router
COPY --from=build /out/router /app
ENV ROUTER_HOST=0.0.0.0 ROUTER_PORT=8001 METRICS_PORT=9401
EXPOSE 8001 8000 9401
HEALTHCHECK --interval=5s --timeout=3s --start-period=60s --retries=3 \
  CMD node /usr/local/lib/switchboard/health-probe.mjs grpc "127.0.0.1:${ROUTER_PORT}"

FROM runtime AS registry
COPY --from=build /out/registry /app
ENV REGISTRY_HOST=0.0.0.0 REGISTRY_PORT=8010 METRICS_PORT=9402
EXPOSE 8010 9402
HEALTHCHECK --interval=5s --timeout=3s --start-period=60s --retries=3 \
  CMD node /usr/local/lib/switchboard/health-probe.mjs grpc "127.0.0.1:${REGISTRY_PORT}"

# The worker serves no gRPC: its /metrics endpoint answers once it is connected and consuming.
FROM runtime AS worker
COPY --from=build /out/worker /app
COPY --from=build /out/models /opt/switchboard/models
ENV METRICS_PORT=9403
EXPOSE 9403
HEALTHCHECK --interval=5s --timeout=3s --start-period=60s --retries=3 \
  CMD node /usr/local/lib/switchboard/health-probe.mjs http "127.0.0.1:${METRICS_PORT}/metrics"

FROM runtime AS monitor
COPY --from=build /out/monitor /app
ENV MONITOR_HOST=0.0.0.0 MONITOR_PORT=8020 METRICS_PORT=9404
EXPOSE 8020 9404
HEALTHCHECK --interval=5s --timeout=3s --start-period=60s --retries=3 \
  CMD node /usr/local/lib/switchboard/health-probe.mjs grpc "127.0.0.1:${MONITOR_PORT}"

FROM runtime AS optimizer
COPY --from=build /out/optimizer /app
ENV OPTIMIZER_HOST=0.0.0.0 OPTIMIZER_PORT=8030 METRICS_PORT=9405
EXPOSE 8030 9405
HEALTHCHECK --interval=5s --timeout=3s --start-period=60s --retries=3 \
  CMD node /usr/local/lib/switchboard/health-probe.mjs grpc "127.0.0.1:${OPTIMIZER_PORT}"

FROM runtime AS resource-manager
COPY --from=build /out/resource-manager /app
ENV RESOURCE_MANAGER_HOST=0.0.0.0 RESOURCE_MANAGER_PORT=8040 METRICS_PORT=9406
EXPOSE 8040 9406
HEALTHCHECK --interval=5s --timeout=3s --start-period=60s --retries=3 \
  CMD node /usr/local/lib/switchboard/health-probe.mjs grpc "127.0.0.1:${RESOURCE_MANAGER_PORT}"

# `switchboard` itself: compose runs it once for the migrations and once to register the demo.
# A one-shot serves nothing to probe: its health is its exit code, which compose waits for.
FROM runtime AS cli
COPY --from=build /out/cli /app
COPY --from=build /out/models /opt/switchboard/models
ENTRYPOINT ["node", "/app/dist/main.js"]
CMD ["--help"]
HEALTHCHECK NONE

# ---- Infrastructure from Debian's packages ------------------------------------------------------
# An HTTP probe in bash alone (no curl in the images): exits 0 on a 200 answer.
FROM ${BASE_IMAGE} AS infra
ARG DEBIAN_FRONTEND=noninteractive
COPY infra/docker/http-ok.sh /usr/local/bin/http-ok

FROM infra AS nats
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends nats-server \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /data /etc/nats && chown nats:nats /data
COPY infra/docker/nats/nats-server.conf /etc/nats/nats-server.conf
COPY infra/nats/users.conf /etc/nats/users.conf
USER nats
VOLUME /data
EXPOSE 4222 8222
HEALTHCHECK --interval=5s --timeout=3s --start-period=20s --retries=3 \
  CMD http-ok 127.0.0.1 8222 '/healthz?js-enabled-only=true'
ENTRYPOINT ["nats-server", "-c", "/etc/nats/nats-server.conf"]

FROM infra AS postgres
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-17 \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /var/lib/postgresql/data /run/postgresql \
 && chown -R postgres:postgres /var/lib/postgresql /run/postgresql
COPY infra/docker/postgres/entrypoint.sh /usr/local/bin/postgres-entrypoint
ENV PATH=/usr/lib/postgresql/17/bin:$PATH PGDATA=/var/lib/postgresql/data
USER postgres
VOLUME /var/lib/postgresql/data
EXPOSE 5432
STOPSIGNAL SIGINT
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --retries=5 \
  CMD pg_isready -q -h 127.0.0.1 -p 5432 -d "${POSTGRES_DB:-switchboard}"
ENTRYPOINT ["postgres-entrypoint"]

FROM infra AS prometheus
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends prometheus \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /prometheus && chown prometheus:prometheus /prometheus
USER prometheus
VOLUME /prometheus
EXPOSE 9090
HEALTHCHECK --interval=5s --timeout=3s --start-period=20s --retries=3 CMD http-ok 127.0.0.1 9090 /-/ready
ENTRYPOINT ["prometheus", "--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus", "--storage.tsdb.retention.time=7d", "--web.listen-address=:9090"]

# ---- Tracing (compose profile "observability"): the collector is not in Debian ---------------------
# Its own image has no shell for a healthcheck, so its binary moves onto the base image.
FROM otel/opentelemetry-collector-contrib:0.116.1 AS otelcol
FROM infra AS otel-collector
COPY --from=otelcol /otelcol-contrib /usr/local/bin/otelcol-contrib
COPY infra/otel/collector.yaml /etc/otelcol/config.yaml
RUN useradd --system --uid 10003 otelcol
USER otelcol
EXPOSE 4317 4318 13133
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 CMD http-ok 127.0.0.1 13133 /
ENTRYPOINT ["otelcol-contrib", "--config=/etc/otelcol/config.yaml"]
