package io.camelmcp.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.StreamSupport;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import com.fasterxml.jackson.databind.JsonNode;

import io.camelmcp.gateway.GatewayApplication;
import io.camelmcp.gateway.support.FixtureServer;
import io.camelmcp.gateway.support.RawMcpClient;
import io.camelmcp.gateway.support.RedisServer;
import io.camelmcp.gateway.support.ServerEverything;

/**
 * Tool discovery on two replicas sharing a Redis store: a selection made at one replica is the session's at the other,
 * and the notifications/tools/list_changed it causes reaches the client's GET stream wherever that is held. call_tool
 * relays a tool's progress as a direct call does.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ToolDiscoveryReplicasTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private RedisServer redis;
    private FixtureServer fixture;
    private ConfigurableApplicationContext a;
    private ConfigurableApplicationContext b;
    private int portA;
    private int portB;

    @BeforeAll
    void start() throws Exception {
        redis = RedisServer.start();
        fixture = FixtureServer.builder("fix").tool("echo", args -> "echo " + args.get("text"))
                .tool("hello", args -> "hello").progressTool("steady", 3, 100).start();
        portA = ServerEverything.freePort();
        a = replica(portA);
        portB = ServerEverything.freePort();
        b = replica(portB);
    }

    private ConfigurableApplicationContext replica(int port) throws Exception {
        ConfigurableApplicationContext c = new SpringApplicationBuilder(GatewayApplication.class).run(
                "--server.port=" + port, "--spring.jmx.enabled=false", "--mcp.gateway.demo.enabled=false",
                "--mcp.gateway.store=redis", "--spring.data.redis.url=" + redis.url(),
                "--mcp.gateway.tool-discovery.enabled=true",
                "--mcp.gateway.servers[0].name=fix", "--mcp.gateway.servers[0].url=" + fixture.url(),
                "--mcp.gateway.servers[0].prefix=fix_");
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() ->
                http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"))
                        .GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        return c;
    }

    @AfterAll
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {a, b, fixture, redis}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    private RawMcpClient at(int port, String session) {
        RawMcpClient c = new RawMcpClient("http://127.0.0.1:" + port + "/mcp");
        c.sessionId(session);
        return c;
    }

    @Test
    void aSelectionMadeAtOneReplicaHoldsAtTheOtherAndIsAnnouncedWhereTheClientListens() throws Exception {
        RawMcpClient atA = at(portA, null);
        atA.initialize("2025-11-25");
        RawMcpClient atB = at(portB, atA.sessionId());
        List<JsonNode> told = new CopyOnWriteArrayList<>();
        try (AutoCloseable stream = atB.listen(told::add)) { // the GET stream is held by B
            Thread.sleep(300); // B attached it
            JsonNode selected = atA.request(2, "tools/call",
                    "{\"name\":\"select_tools\",\"arguments\":{\"tools\":[\"fix_echo\"]}}");
            assertThat(selected.path("result").path("isError").asBoolean()).as(selected.toString()).isFalse();
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> told.stream()
                    .anyMatch(m -> "notifications/tools/list_changed".equals(m.path("method").asText())));
            assertThat(names(atB.request(3, "tools/list", null)))
                    .containsExactly("discover_tools", "select_tools", "call_tool", "fix_echo");
            // changed again at B: A sees it too
            atB.request(4, "tools/call", "{\"name\":\"select_tools\",\"arguments\":{\"tools\":[\"fix_hello\",\"fix_echo\"]}}");
            assertThat(names(atA.request(5, "tools/list", null)))
                    .containsExactly("discover_tools", "select_tools", "call_tool", "fix_hello", "fix_echo");
        }
    }

    @Test
    void callToolRelaysTheToolsProgress() throws Exception {
        RawMcpClient c = at(portA, null);
        c.initialize("2025-11-25");
        HttpResponse<String> r = c.post("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":"
                + "\"call_tool\",\"arguments\":{\"name\":\"fix_steady\",\"arguments\":{}},\"_meta\":{\"progressToken\":\"p-1\"}}}",
                java.util.Map.of());
        List<JsonNode> messages = RawMcpClient.messages(r);
        List<Double> progress = new ArrayList<>();
        messages.stream().filter(m -> "notifications/progress".equals(m.path("method").asText())).forEach(m -> {
            assertThat(m.path("params").path("progressToken").asText()).isEqualTo("p-1");
            progress.add(m.path("params").path("progress").asDouble());
        });
        assertThat(progress).containsExactly(1.0, 2.0, 3.0);
        JsonNode last = messages.get(messages.size() - 1);
        assertThat(last.path("id").asInt()).isEqualTo(2);
        assertThat(last.path("result").path("content").get(0).path("text").asText()).isEqualTo("steady finished");
    }

    private static List<String> names(JsonNode listResponse) {
        return StreamSupport.stream(listResponse.path("result").path("tools").spliterator(), false)
                .map(t -> t.path("name").asText()).toList();
    }
}
