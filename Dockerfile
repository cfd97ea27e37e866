# Build stage: Maven + JDK 17 build the fat jar (tests run in CI, not here).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY proto proto
COPY openapi.yaml .
COPY conf conf
COPY src src
RUN mvn -B -q -DskipTests package

# Runtime stage: a slim JRE, a non-root user, one port for REST and gRPC.
FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --home-dir /app polyport \
 && mkdir -p /app/conf /app/data && chown -R polyport /app
WORKDIR /app
COPY --from=build /src/target/polyport.jar /app/polyport.jar
COPY --from=build /src/conf/config.json /app/conf/config.json
USER polyport
# Listen on every interface inside the container; pass MONGO_URI to use a real MongoDB
# (unset, the embedded database keeps its data in /app/data: mount a volume there).
ENV HOST=0.0.0.0 \
    PORT=8080 \
    DATA_DIR=/app/data \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75"
EXPOSE 8080
VOLUME ["/app/data"]
ENTRYPOINT ["java", "-jar", "/app/polyport.jar"]
