# A presence node. Build: docker build -t presence-node .
# Run one: docker run -p 6020:6020 presence-node; a 3-node cluster: docker compose up (compose.yaml).
#
# Stage 1 builds the node's jar with the Maven wrapper, as on a developer's machine; stage 2 runs it
# on a JRE only, as a user without privileges, through scripts/node.sh: the same jar and launcher
# as scripts/cluster.sh, with the JVM options made for containers (cluster-config/jvm-container.options).
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
COPY protocol/ protocol/
COPY node/ node/
COPY client/pom.xml client/
COPY examples/pom.xml examples/
COPY bench/pom.xml bench/
COPY cluster-config/ cluster-config/
RUN ./mvnw -B -q -pl node -am -DskipTests package

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin presence
WORKDIR /app
COPY --from=build /src/node/target/presence-node.jar node/target/presence-node.jar
COPY --from=build /src/node/target/lib/ node/target/lib/
COPY cluster-config/ cluster-config/
COPY scripts/node.sh scripts/node.sh
COPY scripts/local-http.sh scripts/local-http.sh
USER 10001
# Reachable from outside the container; Hazelcast's addresses come from its own configuration
# (PRESENCE_HAZELCAST_CONFIG: cluster-config/hazelcast-compose.yaml, hazelcast-kubernetes.yaml).
ENV PRESENCE_HOST=0.0.0.0
# the heap from the container's memory limit, and a JVM out of memory exits (to be restarted)
ENV JVM_OPTIONS_FILE=cluster-config/jvm-container.options
EXPOSE 6020 5701
# liveness only: a node that answers is healthy, whether or not it sees enough members (/ready)
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
    CMD ["scripts/local-http.sh", "GET", "/live"]
ENTRYPOINT ["scripts/node.sh"]
