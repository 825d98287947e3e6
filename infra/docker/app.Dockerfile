# syntax=docker/dockerfile:1
# One image recipe for every Freshet app:
#   docker build -f infra/docker/app.Dockerfile --build-arg APP=ingest --build-arg PORT=4020 --target app .
#   docker build -f infra/docker/app.Dockerfile --build-arg APP=gateway --build-arg PORT=4000 --target gateway .
# (docker-compose.yml passes exactly these; PORT is the app's default port from its config.ts.)
#
# Build stages install every dependency and bundle the app with esbuild (workspace libs
# inlined, third-party packages external; see tools/build/bundle.ts). The runtime image
# holds only the bundle, the production dependencies and a health probe, owned by root and
# run as the unprivileged `node` user. The gateway image adds the built dashboard.

# Build and runtime use the same base so the native parts of node_modules match. Node
# 20.20.2 at least: @fastify/sse needs it (docs/decisions/0002-versions.md).
ARG NODE_IMAGE=node:20.20-bookworm-slim

# ---- every dependency, dev included: what bundling and the dashboard build need -------
FROM ${NODE_IMAGE} AS install
WORKDIR /repo
ENV CI=true NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
# app.Dockerfile.dockerignore (next to this file) keeps node_modules, dist, local state
# and .env files out of the context.
COPY . .
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund

# ---- production dependencies only -----------------------------------------------------
# Workspace libs are bundled into each app, so their node_modules links go too.
FROM install AS prod-deps
RUN npm prune --omit=dev --no-audit --no-fund \
 && rm -rf node_modules/@freshet node_modules/.cache node_modules/.bin

# ---- the app's bundle (the app's own Nx build target → dist/apps/<app>/main.js) --------
FROM install AS build
ARG APP
RUN test -n "$APP" && test -f "apps/$APP/src/main.ts" \
 || { echo "--build-arg APP=<one of: $(ls apps | tr '\n' ' ')> is required" >&2; exit 1; }
RUN npx nx run "$APP:build" --skip-nx-cache
# ingest also ships its replay command (`npm run replay` in development):
# `node replay.js --tenant <t> --source <s>` in the container (docs/operations.md).
RUN if [ "$APP" = ingest ]; then \
      npx tsx tools/build/bundle.ts apps/ingest/src/replay-main.ts dist/apps/ingest/replay.js; \
    fi

# ---- the dashboard (static files the gateway serves) ----------------------------------
FROM install AS dashboard
RUN npx nx run dashboard:build --skip-nx-cache

# ---- runtime: bundle + production dependencies, non-root ------------------------------
FROM ${NODE_IMAGE} AS runtime
ARG APP
ARG PORT
RUN test -n "$PORT" || { echo "--build-arg PORT=<the app's port> is required" >&2; exit 1; }
ENV NODE_ENV=production HOST=0.0.0.0 PORT=${PORT}
WORKDIR /app
# The bundle is ESM (.js): Node needs "type": "module" next to it.
COPY infra/docker/runtime-package.json ./package.json
COPY infra/docker/healthcheck.mjs ./healthcheck.mjs
COPY --from=prod-deps /repo/node_modules ./node_modules
COPY --from=build /repo/dist/apps/${APP}/ ./
USER node
EXPOSE ${PORT}
# Liveness: the process serves HTTP. docker-compose.yml asks /readyz instead (its
# depends_on needs "ready to serve"); Kubernetes probes both itself.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 CMD ["node", "healthcheck.mjs", "/healthz"]
# Exec form: node is PID 1 and gets SIGTERM itself; every app's main.ts stops gracefully
# on it (onShutdownSignal, SHUTDOWN_GRACE_MS) and node spawns no children to reap.
CMD ["node", "--enable-source-maps", "main.js"]

# ---- the gateway's image: the app plus the dashboard it serves ------------------------
FROM runtime AS gateway
COPY --from=dashboard /repo/dist/apps/dashboard/ /app/dashboard/
ENV GATEWAY_DASHBOARD_DIR=/app/dashboard

# ---- every other app (the default target) ---------------------------------------------
FROM runtime AS app
