package io.camelmcp.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.camelmcp.gateway.support.FixtureServer;
import io.camelmcp.gateway.support.RawMcpClient;

/**
 * /actuator/prometheus as a scraper reads it: the gateway's calls to its servers as the histogram
 * {@code mcp_client_operation_duration_seconds} per server, method, tool and error type, beside {@code mcp_requests}
 * of /mcp and the JVM's own meters.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability(tracing = false) // Spring Boot's tests leave metrics export off unless asked
class PrometheusMetricsTest {

    static FixtureServer fixture;
    /** A server that stops while registered and ready: the next call to it finds no one. */
    static FixtureServer mortal;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) throws Exception {
        fixture = FixtureServer.builder("metered")
                .tool("add", a -> String.valueOf(((Number) a.get("a")).intValue() + ((Number) a.get("b")).intValue()))
                .failingTool("boom", "the tool failed")
                .start();
        mortal = FixtureServer.builder("mortal").tool("ping", a -> "pong").start();
        registry.add("mcp.gateway.demo.enabled", () -> "false");
        registry.add("mcp.gateway.servers[1].name", () -> "mortal");
        registry.add("mcp.gateway.servers[1].url", () -> mortal.url());
        registry.add("mcp.gateway.servers[1].prefix", () -> "d_");
        registry.add("mcp.gateway.servers[0].name", () -> "metered");
        registry.add("mcp.gateway.servers[0].url", () -> fixture.url());
        registry.add("mcp.gateway.servers[0].prefix", () -> "m_");
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
    }

    @Test
    void callsAreMeasuredPerServerMethodToolAndOutcome() throws Exception {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        RawMcpClient client = new RawMcpClient("http://127.0.0.1:" + port + "/mcp");
        client.initialize("2025-11-25");
        for (int i = 0; i < 3; i++) {
            assertThat(client.request(10 + i, "tools/call", "{\"name\":\"m_add\",\"arguments\":{\"a\":1,\"b\":2}}")
                    .path("result").path("content").get(0).path("text").asText()).isEqualTo("3");
        }
        client.request(20, "tools/call", "{\"name\":\"m_boom\",\"arguments\":{}}");

        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() ->
                client.request(30, "tools/list", null).toString().contains("d_ping"));
        mortal.close();
        assertThat(client.request(31, "tools/call", "{\"name\":\"d_ping\",\"arguments\":{}}").path("error").path("code")
                .asInt()).isEqualTo(-32001);

        HttpResponse<String> scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/actuator/prometheus")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        String text = scrape.body();

        assertThat(text).contains("# TYPE mcp_client_operation_duration_seconds histogram");
        assertThat(sample(text, "mcp_client_operation_duration_seconds_count", "error_type=\"none\"",
                "gen_ai_tool_name=\"add\"", "mcp_method_name=\"tools/call\"", "server=\"metered\"")).isEqualTo(3.0);
        assertThat(sample(text, "mcp_client_operation_duration_seconds_count", "error_type=\"tool_error\"",
                "gen_ai_tool_name=\"boom\"", "server=\"metered\"")).as("a result with isError").isEqualTo(1.0);
        assertThat(text).as("latency buckets for percentiles").contains("mcp_client_operation_duration_seconds_bucket{");
        assertThat(sample(text, "mcp_requests_seconds_count", "method=\"tools/call\"", "status=\"200\"")).isGreaterThanOrEqualTo(4.0);
        assertThat(sample(text, "mcp_server_tools", "server=\"metered\"")).isEqualTo(2.0);
        assertThat(sample(text, "mcp_server_ready", "server=\"metered\"")).isEqualTo(1.0);
        assertThat(sample(text, "mcp_server_breaker_state", "server=\"metered\"", "state=\"closed\"")).isEqualTo(1.0);
        assertThat(sample(text, "mcp_server_breaker_state", "server=\"metered\"", "state=\"open\"")).isEqualTo(0.0);
        // Camel's route metrics: for the routes outside the MCP message path (housekeeping, registration API...);
        // the message path is timed by mcp.requests and mcp.client.operation.duration above instead
        assertThat(text.lines().filter(l -> l.startsWith("camel_exchanges_total{")))
                .as("Camel's route metrics: none for the routes a tools/call passes")
                .noneMatch(l -> l.contains("routeId=\"tools-call\"") || l.contains("routeId=\"mcp-endpoint\"")
                        || l.contains("routeId=\"forward\"") || l.contains("routeId=\"server-call-"))
                .anyMatch(l -> l.contains("routeId=\"server-discovery\""));
        assertThat(sample(text, "mcp_client_connection_failures_total", "server=\"mortal\"", "reason=\"io\""))
                .isEqualTo(1.0);
        assertThat(text).contains("jvm_memory_used_bytes");
    }

    /** The value of the one sample of {@code name} whose labels include all of {@code labels}. */
    static double sample(String text, String name, String... labels) {
        return text.lines().filter(l -> l.startsWith(name + "{"))
                .filter(l -> java.util.Arrays.stream(labels).allMatch(l::contains))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .reduce((a, b) -> {
                    throw new AssertionError("more than one sample of " + name + " with " + String.join(",", labels));
                }).orElseThrow(() -> new AssertionError("no sample of " + name + " with " + String.join(",", labels)
                        + " in:\n" + text.lines().filter(l -> l.startsWith(name)).reduce("", (a, b) -> a + b + "\n")));
    }
}
