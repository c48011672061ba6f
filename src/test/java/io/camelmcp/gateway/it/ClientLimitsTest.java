package io.camelmcp.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.camelmcp.gateway.support.RawMcpClient;

/**
 * mcp.gateway.max-sessions-per-client (3 here), max-streams-per-session (2 here) and max-streams (4 here, the replica's
 * GET streams together, answered 503): what is beyond the first two is a 429
 * with a JSON-RPC error naming the limit, what frees a slot frees it, and nothing else is affected. The tests'
 * client is 127.0.0.1; a second client connects from 127.0.0.2 (Linux routes all of 127/8 to loopback).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ClientLimitsTest {

    static final String EVENTS = "text/event-stream";

    @LocalServerPort
    int port;

    /** Every session a test opened, ended after it: the per-client count is shared by the tests. */
    final List<RawMcpClient> opened = new ArrayList<>();

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry registry) {
        registry.add("mcp.gateway.demo.enabled", () -> "false");
        registry.add("mcp.gateway.max-sessions-per-client", () -> "3");
        registry.add("mcp.gateway.max-streams-per-session", () -> "2");
        registry.add("mcp.gateway.max-streams", () -> "4");
        registry.add("mcp.gateway.session-idle-timeout", () -> "10m");
    }

    @AfterEach
    void endSessionsAndTheGatewayStillServes() throws Exception {
        for (RawMcpClient c : opened) {
            c.send("DELETE", Map.of());
        }
        RawMcpClient fresh = session();
        assertThat(fresh.request(1, "ping", null).path("result").isObject()).isTrue();
        fresh.send("DELETE", Map.of());
    }

    @Test
    void anInitializeBeyondTheClientsSessionsIs429WithRetryAfterAndDeleteFreesASlot() throws Exception {
        List<RawMcpClient> three = List.of(session(), session(), session());
        RawMcpClient fourth = new RawMcpClient(endpoint());
        HttpResponse<String> r = fourth.post(initialize(7), Map.of());

        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.headers().firstValue("mcp-session-id")).isEmpty();
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("application/json");
        long retryAfter = Long.parseLong(r.headers().firstValue("retry-after").orElseThrow());
        assertThat(retryAfter).as("until the least recently used session expires (idle timeout 10 min)").isBetween(590L, 600L);
        JsonNode body = RawMcpClient.JSON.readTree(r.body());
        assertThat(body.path("jsonrpc").asText()).isEqualTo("2.0");
        assertThat(body.path("id").asInt()).isEqualTo(7);
        JsonNode error = body.path("error");
        assertThat(error.path("code").asInt()).isEqualTo(-32000);
        assertThat(error.path("message").asText()).startsWith("Too Many Requests: this client (127.0.0.1) has 3 live sessions")
                .contains("mcp.gateway.max-sessions-per-client", "DELETE /mcp", "retry after " + retryAfter + " s");
        assertThat(error.path("data").path("limit").asText()).isEqualTo("mcp.gateway.max-sessions-per-client");
        assertThat(error.path("data").path("max").asInt()).isEqualTo(3);
        assertThat(error.path("data").path("retryAfterSeconds").asLong()).isEqualTo(retryAfter);

        // the client's sessions go on
        for (RawMcpClient c : three) {
            assertThat(c.request(2, "ping", null).path("result").isObject()).isTrue();
        }
        // a DELETE frees a slot, for one session
        assertThat(three.get(0).send("DELETE", Map.of()).statusCode()).isEqualTo(200);
        RawMcpClient again = session();
        assertThat(again.request(3, "tools/list", null).path("result").has("tools")).isTrue();
        assertThat(fourth.post(initialize(8), Map.of()).statusCode()).isEqualTo(429);
    }

    @Test
    void anotherClientAddressHasSessionsOfItsOwn() throws Exception {
        session();
        session();
        session();
        assertThat(new RawMcpClient(endpoint()).post(initialize(1), Map.of()).statusCode()).isEqualTo(429);

        String answer = postFrom("127.0.0.2", initialize(4));
        assertThat(answer).startsWith("HTTP/1.1 200");
        String id = answer.lines().filter(l -> l.regionMatches(true, 0, "Mcp-Session-Id:", 0, 15)).findFirst()
                .orElseThrow().substring(15).strip();
        RawMcpClient other = new RawMcpClient(endpoint());
        other.sessionId(id);
        opened.add(other);
        assertThat(other.request(5, "ping", null).path("result").isObject()).isTrue();
    }

    @Test
    void aGetStreamBeyondTheSessionsStreamsIs429AndAResumeOrAClosedStreamFreesItsSlot() throws Exception {
        RawMcpClient c = session();
        HttpResponse<InputStream> first = c.openGet(Map.of("Accept", EVENTS));
        HttpResponse<InputStream> second = c.openGet(Map.of("Accept", EVENTS));
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(second.statusCode()).isEqualTo(200);
        String firstId = primingId(first.body());

        HttpResponse<String> r = c.send("GET", Map.of("Accept", EVENTS));
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.headers().firstValue("retry-after")).as("no estimate: a stream is freed by closing it").isEmpty();
        JsonNode body = RawMcpClient.JSON.readTree(r.body());
        assertThat(body.path("id").isNull()).isTrue();
        JsonNode error = body.path("error");
        assertThat(error.path("code").asInt()).isEqualTo(-32000);
        assertThat(error.path("message").asText()).isEqualTo("Too Many Requests: this session has 2 open GET streams "
                + "(on this replica), the most mcp.gateway.max-streams-per-session allows; close one before opening another");
        assertThat(error.path("data").path("limit").asText()).isEqualTo("mcp.gateway.max-streams-per-session");
        assertThat(error.path("data").path("max").asInt()).isEqualTo(2);

        // the session's requests, and another session's streams, are not affected
        assertThat(c.request(2, "ping", null).path("result").isObject()).isTrue();
        RawMcpClient other = session();
        HttpResponse<InputStream> others = other.openGet(Map.of("Accept", EVENTS));
        assertThat(others.statusCode()).isEqualTo(200);
        others.body().close();

        // resuming a stream replaces the response reading it: allowed at the limit, and the old response ends
        HttpResponse<InputStream> resumed = c.openGet(Map.of("Accept", EVENTS, "Last-Event-ID", firstId));
        assertThat(resumed.statusCode()).isEqualTo(200);
        assertThat(first.body().readAllBytes()).as("the replaced response is over").isNotNull();
        assertThat(c.send("GET", Map.of("Accept", EVENTS)).statusCode()).isEqualTo(429);

        // a stream the client closes frees its slot once the gateway notices (its next write: a keep-alive)
        second.body().close();
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            HttpResponse<InputStream> g = c.openGet(Map.of("Accept", EVENTS));
            g.body().close();
            return g.statusCode() == 200;
        });
        resumed.body().close();
    }

    @Test
    void aGetStreamBeyondTheReplicasStreamsIs503WithRetryAfterAndAnEndedSessionFreesItsSlots() throws Exception {
        RawMcpClient a = session();
        RawMcpClient b = session();
        RawMcpClient c = session();
        List<HttpResponse<InputStream>> held = new ArrayList<>();
        for (RawMcpClient s : List.of(a, a, b, b)) {
            HttpResponse<InputStream> g = s.openGet(Map.of("Accept", EVENTS));
            assertThat(g.statusCode()).isEqualTo(200);
            held.add(g);
        }
        HttpResponse<String> r = c.send("GET", Map.of("Accept", EVENTS));
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("retry-after")).contains("5");
        JsonNode error = RawMcpClient.JSON.readTree(r.body()).path("error");
        assertThat(error.path("code").asInt()).isEqualTo(-32000);
        assertThat(error.path("message").asText()).isEqualTo("Service Unavailable: this replica holds 4 open GET streams, "
                + "the most mcp.gateway.max-streams allows; retry later (or on another replica)");
        assertThat(error.path("data").path("limit").asText()).isEqualTo("mcp.gateway.max-streams");
        assertThat(error.path("data").path("max").asInt()).isEqualTo(4);
        // requests go on: only streams are refused
        assertThat(c.request(2, "ping", null).path("result").isObject()).isTrue();

        // a's session ends: its two streams end with it, and their slots are free at once
        assertThat(a.send("DELETE", Map.of()).statusCode()).isEqualTo(200);
        held.get(0).body().readAllBytes();
        held.get(1).body().readAllBytes();
        HttpResponse<InputStream> now = c.openGet(Map.of("Accept", EVENTS));
        assertThat(now.statusCode()).isEqualTo(200);
        now.body().close();
        held.get(2).body().close();
        held.get(3).body().close();
        assertThat(b.send("DELETE", Map.of()).statusCode()).isEqualTo(200);
    }

    @Test
    void endingTheSessionEndsItsStreamsAndTheirCount() throws Exception {
        RawMcpClient c = session();
        HttpResponse<InputStream> a = c.openGet(Map.of("Accept", EVENTS));
        HttpResponse<InputStream> b = c.openGet(Map.of("Accept", EVENTS));
        assertThat(c.send("DELETE", Map.of()).statusCode()).isEqualTo(200);
        a.body().readAllBytes(); // both end with the session
        b.body().readAllBytes();
        assertThat(c.send("GET", Map.of("Accept", EVENTS)).statusCode()).isEqualTo(404);
    }

    private RawMcpClient session() throws Exception {
        RawMcpClient c = new RawMcpClient(endpoint());
        c.initialize("2025-11-25");
        opened.add(c);
        return c;
    }

    private String endpoint() {
        return "http://127.0.0.1:" + port + "/mcp";
    }

    private static String initialize(int id) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                + "\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"limits\",\"version\":\"1\"}}}";
    }

    /** The id of a stream's priming event (2025-11-25): what a resume names in Last-Event-ID. */
    private static String primingId(InputStream body) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.startsWith("id: ")) {
                return line.substring(4);
            }
        }
        throw new IllegalStateException("no priming event");
    }

    /** A POST from another local address (the JDK's HttpClient cannot bind one): the raw HTTP answer. */
    private String postFrom(String localAddress, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
            s.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 5000);
            s.setSoTimeout(10_000);
            String head = "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Accept: application/json, text/event-stream\r\nConnection: close\r\nContent-Length: " + bytes.length
                    + "\r\n\r\n";
            s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(bytes);
            s.getOutputStream().flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
