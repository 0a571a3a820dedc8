# The application image: API, live stream, staff UI (and, unless RINGSIDE_WORKER=0, a job worker) in
# one Node process; `node server/worker/main.ts` runs the worker alone. Runs as the unprivileged
# `node` user of the base image: nothing in it needs root, and a compromise of the process does not
# get root in the container.
FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production GRAPHILE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --include=dev
COPY . .
RUN npm run build --if-present \
 && mkdir -p /app/.data \
 && chown node:node /app/.data
USER node
EXPOSE 3000
# What compose's health check asks too: ready = database reachable, migrated, live listener up.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/readyz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# --max-semi-space-size=16: as `npm start` (README, Live events: the memory of 10,000 streams).
CMD ["node", "--max-semi-space-size=16", "server/main.ts"]
