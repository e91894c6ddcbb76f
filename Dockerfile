# syntax=docker/dockerfile:1
#
# The bot as a container image (README, "Container").
#
#   docker build -t checkinatwork-bot .
#   docker run --rm --init -p 3978:3978 --env-file .env checkinatwork-bot
#
# Two stages: `build` installs every dependency and compiles TypeScript to dist/; `runtime`
# installs the production dependencies only and takes nothing from `build` but dist/ (the
# locales are compiled into it). test/deploy/ replays the runtime stage instruction by
# instruction in a temporary folder, starts CMD and runs HEALTHCHECK: if the app ever needs a
# file this stage does not copy, or a devDependency at run time, `npm test` fails.
# No secret is built into any layer: configuration comes from the environment at `docker run`
# (or App Service / Container Apps settings), and .dockerignore keeps .env files out of the context.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: all dependencies, then `npm run build` (tsc) -------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY dialogs ./dialogs
COPY locales ./locales
COPY data ./data
RUN npm run build

# ---- runtime: production dependencies, the compiled app, an unprivileged user ----------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3978 \
    EMBEDDED_STORAGE_DIR=/app/.data/azurite \
    NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /app
COPY package.json package-lock.json ./
# botbuilder-dialogs' install script runs `npx rimraf`: rimraf is a dependency, so npx finds it
# locally and never downloads anything at install time.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# Only used without AZURE_STORAGE_CONNECTION_STRING / AZURE_STORAGE_ACCOUNT_URL: the embedded
# Azurite keeps its data here (mount a volume on /app/.data to keep it). The code stays root's.
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 3978
# Node's own fetch against GET /healthz (the slim image has no curl); HOST/PORT as the server reads them.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["node", "dist/src/healthcheck.js"]
# `npm start` would rebuild first (prestart needs TypeScript, a devDependency): run the compiled
# entry point directly. It handles SIGTERM itself (finishes the turns in flight, then exits 0).
CMD ["node", "--enable-source-maps", "--disable-warning=DEP0111", "dist/src/main.js"]
