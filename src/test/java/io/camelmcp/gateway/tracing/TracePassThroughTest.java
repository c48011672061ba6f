package io.camelmcp.gateway.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.camelmcp.gateway.support.FixtureServer;
import io.camelmcp.gateway.support.RawMcpClient;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/**
 * The default: tracing on as Spring Boot has it, but no exporter configured. Nothing is recorded and nothing is sent
 * anywhere; a client's trace context reaches the server unchanged (header and {@code params._meta}), so the server's
 * spans join the client's trace; a request without one reaches it without one.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability(metrics = false)
class TracePassThroughTest {

    static FixtureServer fixture;

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    McpTracing tracing;

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) throws Exception {
        fixture = FixtureServer.builder("plain").recordingBodies()
                .tool("add", a -> String.valueOf(((Number) a.get("a")).intValue() + ((Number) a.get("b")).intValue()))
                .start();
        registry.add("mcp.gateway.demo.enabled", () -> "false");
        registry.add("mcp.gateway.servers[0].name", () -> "plain");
        registry.add("mcp.gateway.servers[0].url", () -> fixture.url());
        registry.add("mcp.gateway.servers[0].prefix", () -> "p_");
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
    }

    @Test
    void aClientsContextIsPassedOnUnchangedAndNothingIsExported() throws Exception {
        assertThat(context.getBeansOfType(SpanExporter.class)).as("no exporter by default").isEmpty();
        assertThat(tracing.recording()).isFalse();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        RawMcpClient client = new RawMcpClient("http://127.0.0.1:" + port + "/mcp");
        client.initialize("2025-11-25");

        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        client.post("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"p_add\","
                + "\"arguments\":{\"a\":1,\"b\":2}}}", Map.of("traceparent", traceparent));
        assertThat(fixture.traceparents()).last().isEqualTo(traceparent);
        assertThat(lastCall().path("params").path("_meta").path("traceparent").asText()).isEqualTo(traceparent);

        // in _meta only (as the MCP SDKs send it): the same, and in the header too
        String inMeta = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        client.request(3, "tools/call", "{\"name\":\"p_add\",\"arguments\":{\"a\":1,\"b\":1},\"_meta\":{\"traceparent\":\""
                + inMeta + "\"}}");
        assertThat(fixture.traceparents()).last().isEqualTo(inMeta);

        // none: none upstream either, and no _meta made for it
        client.request(4, "tools/call", "{\"name\":\"p_add\",\"arguments\":{\"a\":0,\"b\":1}}");
        assertThat(fixture.traceparents()).last().isNull();
        assertThat(lastCall().path("params").has("_meta")).isFalse();

        // a malformed one is ignored, not passed on
        client.post("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"p_add\","
                + "\"arguments\":{\"a\":1,\"b\":2}}}", Map.of("traceparent", "00-zz-nonsense"));
        assertThat(fixture.traceparents()).last().isNull();
    }

    static JsonNode lastCall() {
        List<FixtureServer.Received> calls = fixture.received().stream().filter(r -> "tools/call".equals(r.method())).toList();
        return calls.get(calls.size() - 1).body();
    }
}
