# A minimal mlgate image for CI systems without a Python or GitHub integration:
#   docker build -t mlgate .
#   docker run --rm -v "$PWD:/work" mlgate check --config mlgate.toml
# Static musl build on Alpine; the runtime image holds the binary and git (for the threshold
# review), and runs as an unprivileged user.
FROM rust:1.95-alpine AS build
RUN apk add --no-cache musl-dev
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src src
COPY rubrics rubrics
COPY templates templates
COPY schemas schemas
RUN cargo build --release --locked --bin mlgate && strip target/release/mlgate

FROM alpine:3.22
RUN apk add --no-cache git && git config --system --add safe.directory "*" && adduser -D -u 10001 mlgate
COPY --from=build /src/target/release/mlgate /usr/local/bin/mlgate
USER mlgate
WORKDIR /work
ENTRYPOINT ["mlgate"]
CMD ["--help"]
