# The conformance gate as an image: this checkout packed and installed with production dependencies
# only, by the same script the GitHub Action uses (action/install.sh). docs/install.md has the example.
#   docker build -t tenant-api-conformance .
#   docker run --rm -v "$PWD/reports:/work/reports" -e TENANT_API_BASE_URL -e TENANT_API_TOKEN tenant-api-conformance
FROM node:20-slim AS build
COPY . /src
RUN GITHUB_ACTION_PATH=/src TOOL_DIR=/opt/tenant-api-conformance bash /src/action/install.sh

FROM node:20-slim
COPY --from=build /opt/tenant-api-conformance /opt/tenant-api-conformance
RUN mkdir /work && chown node:node /work
USER node
WORKDIR /work
ENTRYPOINT ["/opt/tenant-api-conformance/node_modules/.bin/tenant-api-conformance"]
CMD ["conformance", "--no-color"]
