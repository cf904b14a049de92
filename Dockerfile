# marketfeed image: the `marketfeed` CLI on Node 24, with the Node-API addon built for the
# image's own Node. One image for every process: publisher and consumers (runtime/) and the
# operator (operator/, which synthesizes feeds with the constructs in cdk8s/). Runs as a
# non-root user; /dev/shm is where segments live.
FROM node:24-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json binding.gyp ./
COPY runtime/native ./runtime/native
# Production dependencies only; the install script builds build/Release/marketfeed_native.node.
RUN npm ci --omit=dev --no-audit --no-fund
COPY runtime ./runtime
COPY operator ./operator
COPY cdk8s ./cdk8s

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/build/Release/marketfeed_native.node ./build/Release/marketfeed_native.node
COPY --from=build /app/runtime ./runtime
COPY --from=build /app/operator ./operator
COPY --from=build /app/cdk8s ./cdk8s
COPY package.json ./
USER 65532:65532
EXPOSE 9000 9090 9100
ENTRYPOINT ["node", "runtime/cli/marketfeed.ts"]
CMD ["--help"]
