package io.camelmcp.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import com.fasterxml.jackson.databind.JsonNode;

import io.camelmcp.gateway.GatewayApplication;
import io.camelmcp.gateway.support.ClientDriver;
import io.camelmcp.gateway.support.RedisServer;
import io.camelmcp.gateway.support.ServerEverything;

/**
 * MRTR across replicas: two gateways on one Redis (mcp.gateway.store=redis) in front of a 2026-07-28-only server. The
 * TypeScript SDK v1 client's call to {@code m_ask} runs on one replica, which holds the call's stream and waits to retry;
 * the client's answer to the elicitation goes to the other replica, which takes the pending input from the shared store
 * and hands the answer over the replica bus (Redis pub/sub) to the waiting one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModernUpstreamReplicasTest {

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private RedisServer redis;
    private ServerEverything modern;
    private ConfigurableApplicationContext a;
    private ConfigurableApplicationContext b;
    private int portA;
    private int portB;

    @BeforeAll
    void start() throws Exception {
        redis = RedisServer.start();
        modern = ServerEverything.modern("reject");
        portA = ServerEverything.freePort();
        a = replica(portA);
        portB = ServerEverything.freePort();
        b = replica(portB);
    }

    @AfterAll
    void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {a, b, modern, redis}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // best effort
                }
            }
        }
    }

    private ConfigurableApplicationContext replica(int port) throws Exception {
        ConfigurableApplicationContext c = new SpringApplicationBuilder(GatewayApplication.class).run(
                "--server.port=" + port,
                "--spring.jmx.enabled=false",
                "--mcp.gateway.demo.enabled=false",
                "--mcp.gateway.store=redis",
                "--spring.data.redis.url=" + redis.url(),
                "--mcp.gateway.servers[0].name=modern",
                "--mcp.gateway.servers[0].url=" + modern.url(),
                "--mcp.gateway.servers[0].prefix=m_");
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() ->
                http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"))
                        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
        return c;
    }

    @Test
    void anElicitationAnsweredThroughTheOtherReplicaCompletesTheCall() throws Exception {
        JsonNode r = ClientDriver.runReplicas("http://127.0.0.1:" + portA + "/mcp", "http://127.0.0.1:" + portB + "/mcp",
                "elicit", Map.of("ELICIT_TOOL", "m_ask"));
        assertThat(r.path("ok").asBoolean()).as("driver: %s", r).isTrue();
        JsonNode elicit = r.path("steps").path("elicit");
        assertThat(elicit.path("answers").size()).as(elicit.toString()).isEqualTo(1);
        assertThat(elicit.path("answers").get(0).path("replica").asText())
                .isNotEqualTo(elicit.path("call").path("replica").asText());
        assertThat(elicit.path("text").asText()).startsWith("You answered: driver-answer-1");
    }
}
