# syntax=docker/dockerfile:1
# marketfeed image: the `marketfeed` CLI on Node 24, compiled to JavaScript (the operator as
# one esbuild bundle), with the Node-API addon built for the image's own Node. One image for
# every process: publisher and consumers (runtime/) and the operator (operator/, which
# synthesizes feeds with the constructs in cdk8s/). Runs as a non-root user; /dev/shm is where
# segments live. Its reference (repository and tag) is package.json's config.image at its
# version: see docs/operator.md.

# Build stage. node:24-bookworm (not -slim) already has g++, make and python3 for node-gyp,
# so nothing is installed with apt-get (nothing unpinned: hadolint DL3008).
FROM node:24-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json binding.gyp ./
COPY runtime/native ./runtime/native
# Every dependency (tsc is a devDependency); the install script builds
# build/Release/marketfeed_native.node. The npm cache is a BuildKit cache, not a layer.
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY runtime ./runtime
COPY operator ./operator
COPY cdk8s ./cdk8s
# dist/ (what the published package runs: tsc's output and the operator's esbuild bundle,
# dist/bundle/), then production dependencies only.
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# Run stage: only what runs. package.json is read at run time (ES modules: "type"; the image
# reference: "version" and "config").
FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/build/Release/marketfeed_native.node ./build/Release/
COPY --from=build /app/dist ./dist
COPY --from=build /app/runtime/cli/marketfeed-bin.js ./runtime/cli/
USER 65532:65532
EXPOSE 9000 9090 9100
# Kubernetes probes the processes (the operator's /healthz and /readyz, the feeds' TCP port).
HEALTHCHECK NONE
# package.json's bin, as `npx marketfeed` runs it: `operator` runs the bundle, any other
# command dist/runtime/cli/marketfeed.js.
ENTRYPOINT ["node", "runtime/cli/marketfeed-bin.js"]
CMD ["--help"]
