# Callchart engine image (issue 18): one image, any role (`serve --role web|worker|all`).
# Multi-stage: the build stage has the dev tools (the staff app is built with Vite); the runtime
# stage has production dependencies, the sources (run through tsx, as shipped) and the built app.
# Runs as a non-root user and with a read-only root filesystem: it writes only to /data (trial
# secrets and checkpoints, a volume) and /tmp (tsx's compile cache, a tmpfs). Synthetic data only.

FROM node:20-bookworm-slim AS build
WORKDIR /build
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY app ./app
# `prepare` builds the staff app into dist/app once the dependencies are in.
RUN npm ci --no-audit --no-fund
COPY . .
RUN node scripts/build-app.mjs --force && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    CALLCHART_DATA_DIR=/data \
    LOG_LEVEL=info
WORKDIR /app
COPY --from=build --chown=root:root /build/package.json /build/package-lock.json ./
COPY --from=build --chown=root:root /build/node_modules ./node_modules
COPY --from=build --chown=root:root /build/bin ./bin
COPY --from=build --chown=root:root /build/src ./src
COPY --from=build --chown=root:root /build/dist/app ./dist/app
COPY --chown=root:root deploy/callchart.yaml /etc/callchart/callchart.yaml
# The image's files belong to root and are read-only to the engine; its own writable places:
RUN mkdir -p /data && chown node:node /data && chmod 0700 /data
USER node
VOLUME ["/data"]
EXPOSE 8787
# Readiness: store reachable, migrations done, not draining (a worker answers it too).
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8787/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM drains (server.drainSeconds, server.shutdownTimeoutSeconds); give the container longer to stop.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "bin/callchart.js"]
CMD ["serve", "--config", "/etc/callchart/callchart.yaml", "--data-dir", "/data"]
