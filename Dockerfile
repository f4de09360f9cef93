# The conformance gate as an image: this checkout packed and installed with production dependencies
# only, by the same script the GitHub Action uses (action/install.sh). docs/install.md has the example.
#   docker build -t tenant-api-conformance .
#   docker run --rm -v "$PWD/reports:/work/reports" -v tenant-api-state:/state \
#     -e TENANT_API_BASE_URL -e TENANT_API_TOKEN -e TENANT_API_ORG_ID tenant-api-conformance
# The state volume (/state, XDG_STATE_HOME) holds each org's lock and journal: with --rm and no volume, a
# killed run's journal (the only record of the org before its writes) goes with the container, and two
# containers on one host share no lock. docs/install.md says more.
FROM node:20-slim AS build
COPY . /src
RUN GITHUB_ACTION_PATH=/src TOOL_DIR=/opt/tenant-api-conformance bash /src/action/install.sh

FROM node:20-slim
COPY --from=build /opt/tenant-api-conformance /opt/tenant-api-conformance
RUN mkdir /work /state && chown node:node /work /state
# The locks and journals live in /state/tenant-api-conformance: a volume there outlives the container.
ENV XDG_STATE_HOME=/state
VOLUME /state
USER node
WORKDIR /work
ENTRYPOINT ["/opt/tenant-api-conformance/node_modules/.bin/tenant-api-conformance"]
CMD ["conformance", "--no-color"]
