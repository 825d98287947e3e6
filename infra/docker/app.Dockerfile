# One image recipe for every Freshet app: `--build-arg APP=<name>` picks the app.
# Build stage bundles the app (workspace libs included) with esbuild; the runtime stage
# carries only production dependencies and the bundle.
FROM node:20-bookworm-slim AS build
WORKDIR /repo
COPY . .
RUN npm ci --no-audit --no-fund
ARG APP
RUN test -n "$APP" && npx tsx tools/build/bundle.ts "apps/$APP/src/main.ts" "dist/apps/$APP/main.js"
RUN npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
ARG APP
ENV NODE_ENV=production HOST=0.0.0.0
WORKDIR /app
COPY --from=build /repo/node_modules ./node_modules
COPY --from=build /repo/package.json ./package.json
COPY --from=build /repo/dist/apps/${APP}/ ./
USER node
HEALTHCHECK --interval=10s --timeout=3s --retries=5 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--enable-source-maps", "main.js"]
