# syntax=docker/dockerfile:1
# The graphrec trainer image: runs `graphrec retrain --config /config/retrain.json` (see infra/README.md).
#
#   docker build -f infra/trainer.Dockerfile -t graphrec-trainer .                # CPU: tfjs wasm backend
#   docker build -f infra/trainer.Dockerfile --build-arg GPU=1 -t graphrec-trainer:gpu .
#   docker run --rm [--gpus all] -v "$PWD/data:/data:ro" -v "$PWD/.cache/retrain:/cache/retrain" \
#     -v "$PWD/infra/retrain.example.json:/config/retrain.json:ro" \
#     -e AWS_ACCESS_KEY_ID -e AWS_SECRET_ACCESS_KEY -e GRAPHREC_S3_ENDPOINT graphrec-trainer
#
# GPU=1 adds @tensorflow/tfjs-node-gpu (the `tensorflow` backend, chosen first when it loads). It is NOT a
# dependency in package.json: its install downloads libtensorflow, which cannot happen on the machines the
# project is developed on, so this layer has never been built or run there. It is optional and untested.
# tfjs-node-gpu 4.x loads libtensorflow 2.9 built for CUDA 11.2 / cuDNN 8.1; the default base is a CUDA
# 11.8 + cuDNN 8 runtime, which provides the same sonames (libcudart.so.11.0, libcudnn.so.8). Without a
# GPU (no --gpus), TensorFlow is expected to fall back to its CPU kernels; a GPU=0 image uses wasm.
ARG BASE_IMAGE=nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu22.04
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS node

# --- build: dependencies (native addons may compile here), plus the optional GPU layer -------------
FROM ${BASE_IMAGE} AS build
ARG GPU=0
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=node /usr/local/lib/node_modules /usr/local/lib/node_modules
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
# The GPU layer: tfjs-node-gpu at the version of @tensorflow/tfjs in package.json (they must match).
RUN if [ "$GPU" = "1" ]; then \
      TFJS="$(node -p "require('./package.json').dependencies['@tensorflow/tfjs']")" \
      && npm install --no-save --no-audit --no-fund "@tensorflow/tfjs-node-gpu@${TFJS}"; \
    fi
COPY tsconfig.json ./
COPY artifacts ./artifacts
COPY trainer ./trainer
COPY infra/scripts ./infra/scripts

# --- run: no compilers ----------------------------------------------------------------------------
FROM ${BASE_IMAGE}
ARG GPU=0
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=node /usr/local/lib/node_modules /usr/local/lib/node_modules
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 graphrec \
 && mkdir -p /config /data /cache/retrain && chown graphrec /cache/retrain
COPY --from=build --chown=graphrec /app /app
WORKDIR /app
USER graphrec
ENV NODE_ENV=production \
    GRAPHREC_IMAGE_GPU=${GPU} \
    TF_CPP_MIN_LOG_LEVEL=1 \
    AWS_REGION=auto
VOLUME ["/data", "/cache/retrain"]
ENTRYPOINT ["npm", "run", "-s", "graphrec", "--", "retrain", "--config", "/config/retrain.json"]
