package io.camelmcp.gateway.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;

import io.camelmcp.gateway.support.FixtureServer;
import io.camelmcp.gateway.support.RawMcpClient;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;

/**
 * Tracing switched on as a deployment does it ({@code management.otlp.tracing.endpoint}): a SERVER span per MCP
 * request, a CLIENT span per call to a server, named and attributed as the OpenTelemetry conventions for MCP say,
 * the W3C context carried to the server in the traceparent header and in {@code params._meta}, and the spans
 * arriving over OTLP/HTTP at the configured endpoint.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability(metrics = false) // Spring Boot's tests leave tracing off unless asked
class TracingTest {

    static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String CLIENT_SPAN = "00f067aa0ba902b7";

    static FixtureServer fixture;
    static HttpServer collector;
    static final List<byte[]> exported = new CopyOnWriteArrayList<>();
    static final List<String> exportTypes = new CopyOnWriteArrayList<>();

    @LocalServerPort
    int port;
    @Autowired
    InMemorySpanExporter spans;
    @Autowired
    SdkTracerProvider tracerProvider;

    @TestConfiguration
    static class Spans {
        @Bean
        InMemorySpanExporter inMemorySpanExporter() {
            return InMemorySpanExporter.create();
        }
    }

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) throws Exception {
        fixture = FixtureServer.builder("traced").recordingBodies()
                .tool("add", a -> String.valueOf(((Number) a.get("a")).intValue() + ((Number) a.get("b")).intValue()))
                .failingTool("boom", "the tool failed")
                .start();
        // an OTLP/HTTP collector as far as the exporter can tell: it takes the protobuf batches
        collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/v1/traces", exchange -> {
            exportTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
            exported.add(exchange.getRequestBody().readAllBytes());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        registry.add("mcp.gateway.demo.enabled", () -> "false");
        registry.add("mcp.gateway.servers[0].name", () -> "traced");
        registry.add("mcp.gateway.servers[0].url", () -> fixture.url());
        registry.add("mcp.gateway.servers[0].prefix", () -> "t_");
        registry.add("management.tracing.sampling.probability", () -> "1.0");
        // answers as one JSON object (a streamed answer's outcome is not read: README, Tracing)
        registry.add("mcp.gateway.stream-after", () -> "10s");
        registry.add("management.otlp.tracing.endpoint",
                () -> "http://127.0.0.1:" + collector.getAddress().getPort() + "/v1/traces");
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
        collector.stop(0);
    }

    RawMcpClient client;

    @BeforeEach
    void ready() throws Exception {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        client = new RawMcpClient("http://127.0.0.1:" + port + "/mcp");
        client.initialize("2025-11-25");
        flush();
        spans.reset();
    }

    @Test
    void aToolCallIsOneServerSpanAndOneClientSpanInTheClientsTrace() throws Exception {
        HttpResponse<String> r = client.post("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"t_add\",\"arguments\":{\"a\":1,\"b\":2}}}",
                Map.of("traceparent", "00-" + TRACE + "-" + CLIENT_SPAN + "-01", "tracestate", "vendor=abc"));
        assertThat(RawMcpClient.messages(r).get(0).path("result").path("content").get(0).path("text").asText())
                .isEqualTo("3");
        flush();

        SpanData server = one("tools/call t_add");
        assertThat(server.getKind()).isEqualTo(SpanKind.SERVER);
        assertThat(server.getTraceId()).as("the client's trace").isEqualTo(TRACE);
        assertThat(server.getParentSpanId()).as("child of the client's span").isEqualTo(CLIENT_SPAN);
        assertThat(attr(server, "mcp.method.name")).isEqualTo("tools/call");
        assertThat(attr(server, "gen_ai.tool.name")).isEqualTo("t_add");
        assertThat(attr(server, "gen_ai.operation.name")).isEqualTo("execute_tool");
        assertThat(attr(server, "jsonrpc.request.id")).isEqualTo("7");
        assertThat(attr(server, "mcp.session.id")).isEqualTo(client.sessionId());
        assertThat(attr(server, "mcp.protocol.version")).isEqualTo("2025-11-25");
        assertThat(server.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);

        SpanData call = one("tools/call add");
        assertThat(call.getKind()).isEqualTo(SpanKind.CLIENT);
        assertThat(call.getTraceId()).isEqualTo(TRACE);
        assertThat(call.getParentSpanId()).as("child of the request's span").isEqualTo(server.getSpanId());
        assertThat(attr(call, "mcp.gateway.server")).isEqualTo("traced");
        assertThat(attr(call, "gen_ai.tool.name")).as("the server's own name").isEqualTo("add");
        assertThat(attr(call, "server.address")).isEqualTo("127.0.0.1");
        assertThat(call.getAttributes().get(AttributeKey.longKey("server.port"))).isEqualTo((long) fixture.port());

        // the server got the call span's context, in its headers and in the request's _meta
        String expected = "00-" + TRACE + "-" + call.getSpanId() + "-01";
        assertThat(fixture.traceparents()).contains(expected);
        JsonNode meta = lastCall().path("params").path("_meta");
        assertThat(meta.path("traceparent").asText()).isEqualTo(expected);
        assertThat(meta.path("tracestate").asText()).isEqualTo("vendor=abc");

        // and the spans went to the OTLP endpoint, protobuf over HTTP
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> exported.stream()
                .anyMatch(b -> new String(b, StandardCharsets.ISO_8859_1).contains("tools/call t_add")));
        assertThat(exportTypes).contains("application/x-protobuf");
    }

    @Test
    void aContextInMetaIsTheParentBeforeTheHeaders() throws Exception {
        String metaTrace = "0af7651916cd43dd8448eb211c80319c";
        client.post("{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"tools/call\",\"params\":{\"name\":\"t_add\","
                + "\"arguments\":{\"a\":2,\"b\":2},\"_meta\":{\"traceparent\":\"00-" + metaTrace + "-b7ad6b7169203331-01\"}}}",
                Map.of("traceparent", "00-" + TRACE + "-" + CLIENT_SPAN + "-01"));
        flush();
        SpanData server = one("tools/call t_add");
        assertThat(server.getTraceId()).isEqualTo(metaTrace);
        assertThat(server.getParentSpanId()).isEqualTo("b7ad6b7169203331");
        SpanData call = one("tools/call add");
        assertThat(lastCall().path("params").path("_meta").path("traceparent").asText())
                .as("the gateway's call span replaces the client's context").isEqualTo("00-" + metaTrace + "-" + call.getSpanId() + "-01");
    }

    @Test
    void errorsSetErrorTypeAndStatus() throws Exception {
        assertThat(client.request(9, "tools/call", "{\"name\":\"t_boom\",\"arguments\":{}}").path("result")
                .path("isError").asBoolean()).isTrue();
        client.request(10, "tools/call", "{\"name\":\"zz_nosuch\",\"arguments\":{}}");
        flush();
        SpanData failed = one("tools/call t_boom");
        assertThat(attr(failed, "error.type")).as(failed.toString()).isEqualTo("tool_error");
        assertThat(failed.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(attr(one("tools/call boom"), "error.type")).isEqualTo("tool_error");

        SpanData unknown = one("tools/call zz_nosuch");
        assertThat(attr(unknown, "error.type")).isEqualTo("-32602");
        assertThat(attr(unknown, "rpc.response.status_code")).isEqualTo("-32602");
        assertThat(spans.getFinishedSpanItems()).as("an unknown tool reaches no server")
                .noneMatch(s -> s.getKind() == SpanKind.CLIENT && s.getName().contains("nosuch"));
        // a request without context starts a trace of its own, the server's call in it
        assertThat(one("tools/call boom").getTraceId()).isEqualTo(failed.getTraceId());
        assertThat(failed.getParentSpanContext().isValid()).isFalse();
    }

    @Test
    void aBatchsCallsStayInTheirMessagesTraces() throws Exception {
        RawMcpClient old = new RawMcpClient("http://127.0.0.1:" + port + "/mcp");
        old.initialize("2025-03-26"); // the revision with batches
        String trace = "5bf92f3577b34da6a3ce929d0e0e4799";
        old.post("[{\"jsonrpc\":\"2.0\",\"id\":21,\"method\":\"tools/call\",\"params\":{\"name\":\"t_add\","
                + "\"arguments\":{\"a\":5,\"b\":5},\"_meta\":{\"traceparent\":\"00-" + trace + "-a7ad6b7169203331-01\"}}}]",
                Map.of());
        SpanData call = one("tools/call add");
        assertThat(call.getTraceId()).as("the message's own context").isEqualTo(trace);
        assertThat(call.getParentSpanId()).isEqualTo("a7ad6b7169203331");
        assertThat(lastCall().path("params").path("_meta").path("traceparent").asText())
                .isEqualTo("00-" + trace + "-" + call.getSpanId() + "-01");
    }

    void flush() {
        tracerProvider.forceFlush().join(10, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** The one finished span of that name (the request's own ends just after its answer is written: awaited). */
    SpanData one(String name) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            flush();
            return spans.getFinishedSpanItems().stream().anyMatch(s -> s.getName().equals(name));
        });
        List<SpanData> found = spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
        assertThat(found).as("spans named " + name + " among " + spans.getFinishedSpanItems().stream()
                .map(SpanData::getName).toList()).hasSize(1);
        return found.get(0);
    }

    static String attr(SpanData span, String key) {
        return span.getAttributes().get(AttributeKey.stringKey(key));
    }

    static JsonNode lastCall() {
        List<FixtureServer.Received> calls = fixture.received().stream().filter(r -> "tools/call".equals(r.method())).toList();
        return calls.get(calls.size() - 1).body();
    }
}
