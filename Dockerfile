# Runtime image for the gateway. Build the jar first: ./mvnw package -DskipTests
FROM eclipse-temurin:25-jre
RUN useradd --system --uid 10001 gateway
COPY target/camel-mcp-gateway-*.jar /app/gateway.jar
USER 10001
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/app/gateway.jar"]
