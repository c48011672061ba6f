package io.camelmcp.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.camelmcp.gateway.support.FixtureServer;
import io.camelmcp.gateway.support.RawMcpClient;

/**
 * The README's rule for upstream GET streams: a client's GET stream makes the gateway hold the GET stream of only those
 * of the client's upstream sessions that can send it something outside a request, never one per ready server. These
 * servers (Java SDK) declare logging, so that is once the client asked for log messages (logging/setLevel); a client
 * declaring roots has its sessions opened with its stream (servers ask for roots right after initialization). List
 * changes need no stream per client: the catalogue's one per server serves them all. The rule on each capability is
 * {@code ClientStreamsRuleTest}'s.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability(tracing = false)
class UpstreamStreamsTest {

    static FixtureServer one;
    static FixtureServer two;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) throws Exception {
        one = FixtureServer.builder("one").recordingBodies().tool("hello", a -> "hi").start();
        two = FixtureServer.builder("two").recordingBodies().tool("hello", a -> "ho").start();
        registry.add("mcp.gateway.demo.enabled", () -> "false");
        registry.add("mcp.gateway.servers[0].name", () -> "one");
        registry.add("mcp.gateway.servers[0].url", () -> one.url());
        registry.add("mcp.gateway.servers[0].prefix", () -> "a_");
        registry.add("mcp.gateway.servers[1].name", () -> "two");
        registry.add("mcp.gateway.servers[1].url", () -> two.url());
        registry.add("mcp.gateway.servers[1].prefix", () -> "b_");
    }

    @AfterAll
    static void stop() {
        one.close();
        two.close();
    }

    @Test
    void aClientStreamHoldsUpstreamStreamsOnlyForSessionsThatCanSendItSomething() throws Exception {
        awaitReady();
        String endpoint = "http://127.0.0.1:" + port + "/mcp";
        // the catalogue's own list-change streams, one per server
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> streams("one") >= 1 && streams("two") >= 1);
        double oneBase = streams("one");
        double twoBase = streams("two");
        int oneInits = count(one, "initialize");
        int twoInits = count(two, "initialize");

        RawMcpClient a = new RawMcpClient(endpoint);
        a.initialize("2025-11-25");
        List<JsonNode> received = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (AutoCloseable stream = a.listen(received::add)) {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> gauge("mcp_gateway_streams_active", "kind=\"get\"") == 1);
            Thread.sleep(500); // what the gateway would open for the stream, it opens at once, in the background
            assertThat(count(one, "initialize")).as("no session opened for a stream alone").isEqualTo(oneInits);
            assertThat(count(two, "initialize")).isEqualTo(twoInits);
            assertThat(streams("one")).isEqualTo(oneBase);

            // a call opens the client's session there, and no stream: the client asked for nothing outside requests
            assertThat(a.request(2, "tools/call", "{\"name\":\"a_hello\",\"arguments\":{}}").toString()).contains("hi");
            assertThat(count(one, "initialize")).isEqualTo(oneInits + 1);
            Thread.sleep(500);
            assertThat(streams("one")).isEqualTo(oneBase);

            // it asks for log messages: its sessions with the servers that log are listened to (the level opens the other)
            assertThat(a.request(3, "logging/setLevel", "{\"level\":\"info\"}").toString()).contains("result");
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                    streams("one") == oneBase + 1 && streams("two") == twoBase + 1);

            // a client declaring roots: its sessions open with its stream, each listened to (servers may ask for roots)
            RawMcpClient b = new RawMcpClient(endpoint);
            b.initialize("2025-11-25", "{\"roots\":{\"listChanged\":true}}");
            try (AutoCloseable rootsStream = b.listen(received::add)) {
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                        streams("one") == oneBase + 2 && streams("two") == twoBase + 2);
                assertThat(count(one, "initialize")).isEqualTo(oneInits + 2);
                assertThat(count(two, "initialize")).isEqualTo(twoInits + 2);
            }
            assertThat(b.send("DELETE", Map.of()).statusCode()).isEqualTo(200);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                    streams("one") == oneBase + 1 && streams("two") == twoBase + 1);

            // the session ends: the streams held for it close
            assertThat(a.send("DELETE", Map.of()).statusCode()).isEqualTo(200);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> streams("one") == oneBase && streams("two") == twoBase);
        }
    }

    private static int count(FixtureServer server, String method) {
        return (int) server.received().stream().filter(r -> method.equals(r.method())).count();
    }

    private double streams(String server) throws Exception {
        return gauge("mcp_gateway_upstream_streams_active", "server=\"" + server + "\"");
    }

    private double gauge(String name, String label) throws Exception {
        String scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return scrape.lines().filter(l -> l.startsWith(name + "{") && l.contains(label))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private void awaitReady() {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    }
}
