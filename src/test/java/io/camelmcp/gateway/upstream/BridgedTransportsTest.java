package io.camelmcp.gateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import io.camelmcp.gateway.registry.ServerRegistration;
import io.camelmcp.gateway.registry.UpstreamTransport;
import io.camelmcp.gateway.session.UpstreamSession;

/**
 * Stdio and legacy SSE servers that misbehave: what the gateway's bridge makes of them is a clear error, never a
 * hang or a crash. (Well-behaved ones, server-everything in both modes, are in LegacyTransportsTest.)
 */
class BridgedTransportsTest {

    static final byte[] INIT = ("{\"jsonrpc\":\"2.0\",\"id\":\"i1\",\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
            + "\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}").getBytes(StandardCharsets.UTF_8);

    private static ServerRegistration stdio(String name, String script) {
        return new ServerRegistration(name, UpstreamTransport.stdioUri(name), "", Map.of(), "test")
                .withTransport(UpstreamTransport.stdio(List.of("sh", "-c", script), Map.of(), null, null));
    }

    @Test
    void aCommandThatDoesNotExistIsACleanError() {
        try (UpstreamClient client = new UpstreamClient(Duration.ofSeconds(2))) {
            ServerRegistration s = new ServerRegistration("none", UpstreamTransport.stdioUri("none"), "", Map.of(), "test")
                    .withTransport(UpstreamTransport.stdio(List.of("/no/such/mcp-server"), Map.of(), null, null));
            UpstreamException e = assertThrows(UpstreamException.class, () -> client.post(s, null, INIT, Duration.ofSeconds(2)));
            assertThat(e.getMessage()).startsWith("cannot start /no/such/mcp-server");
        }
    }

    @Test
    void aProcessThatPrintsNoiseAndExitsFailsItsInitializeAtOnce() {
        try (UpstreamClient client = new UpstreamClient(Duration.ofSeconds(2))) {
            ServerRegistration s = stdio("noisy", "echo 'hello, I am not JSON-RPC'; echo '{broken'; exit 3");
            long t0 = System.nanoTime();
            UpstreamException e = assertThrows(UpstreamException.class, () -> client.post(s, null, INIT, Duration.ofSeconds(10)));
            assertThat(e.getMessage()).contains("exited with code 3");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void aProcessThatNeverAnswersTimesOutAndIsEnded() throws Exception {
        try (UpstreamClient client = new UpstreamClient(Duration.ofSeconds(2))) {
            ServerRegistration s = stdio("mute", "exec sleep 60");
            UpstreamException e = assertThrows(UpstreamException.class, () -> client.post(s, null, INIT, Duration.ofMillis(500)));
            assertThat(e.isTimeout()).isTrue();
            long deadline = System.nanoTime() + Duration.ofSeconds(8).toNanos();
            while (client.bridgedSessions("mute") > 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(client.bridgedSessions("mute")).isZero();
        }
    }

    @Test
    void aSessionTheBridgeDoesNotHoldIsA404AndARequestWithoutOneA400() throws Exception {
        try (UpstreamClient client = new UpstreamClient(Duration.ofSeconds(2))) {
            ServerRegistration s = stdio("any", "exec cat");
            byte[] call = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}".getBytes(StandardCharsets.UTF_8);
            assertThat(client.post(s, new UpstreamSession("any", "gone", "2025-11-25", null), call, Duration.ofSeconds(1)).status())
                    .isEqualTo(404);
            assertThat(client.post(s, null, call, Duration.ofSeconds(1)).status()).isEqualTo(400);
            UpstreamReply notJson = client.post(s, null, "{nope".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(1));
            assertThat(notJson.status()).isEqualTo(400);
            assertThat(new String(notJson.readAll(), StandardCharsets.UTF_8)).contains("-32700");
        }
    }

    @Test
    void anSseEndpointOnAnotherOriginIsRefused() throws Exception {
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/sse", ex -> {
            ex.getResponseHeaders().add("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            out.write("event: endpoint\ndata: http://elsewhere.example/message?s=1\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
        });
        http.createContext("/html", ex -> {
            byte[] page = "<html>login</html>".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "text/html");
            ex.sendResponseHeaders(200, page.length);
            ex.getResponseBody().write(page);
            ex.close();
        });
        http.start();
        try (UpstreamClient client = new UpstreamClient(Duration.ofSeconds(2))) {
            String base = "http://127.0.0.1:" + http.getAddress().getPort();
            ServerRegistration lying = new ServerRegistration("lying", URI.create(base + "/sse"), "", Map.of(), "test")
                    .withTransport(UpstreamTransport.SSE);
            UpstreamException e = assertThrows(UpstreamException.class, () -> client.post(lying, null, INIT, Duration.ofSeconds(2)));
            assertThat(e.getMessage()).contains("another origin");
            ServerRegistration page = new ServerRegistration("page", URI.create(base + "/html"), "", Map.of(), "test")
                    .withTransport(UpstreamTransport.SSE);
            UpstreamException p = assertThrows(UpstreamException.class, () -> client.post(page, null, INIT, Duration.ofSeconds(2)));
            assertThat(p.getMessage()).isEqualTo("the SSE endpoint answered HTTP 200 (text/html): <html>login</html>");
        } finally {
            http.stop(0);
        }
    }
}
