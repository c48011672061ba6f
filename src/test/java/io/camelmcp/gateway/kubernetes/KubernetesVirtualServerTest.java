package io.camelmcp.gateway.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.camelmcp.gateway.support.FixtureServer;
import io.camelmcp.gateway.support.RawMcpClient;

/**
 * MCPVirtualServer on fabric8's mock API server (CRUD mode, our CRDs installed): k8s/samples/virtual-server.yaml
 * applied as written becomes Ready with the tools it resolves to, and is served under its namespace/name by header and
 * by path; an edit naming a tool nobody serves is not Ready (the rest still served); deleting it stops serving it.
 * The steps build on each other.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "logging.level.io.fabric8.mockwebserver=WARN"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DirtiesContext
class KubernetesVirtualServerTest {

    static final Duration WAIT = Duration.ofSeconds(20);
    static final String NAME = "mcp-test/myserver-readonly";
    static KubernetesApi api;
    static FixtureServer server;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void kubernetes(DynamicPropertyRegistry registry) throws Exception {
        api = new KubernetesApi();
        FixtureServer.Builder b = FixtureServer.builder("server1");
        for (String t : List.of("alpha", "beta", "gamma", "delta", "epsilon")) {
            b.tool(t, args -> "server1:" + t);
        }
        server = b.start();
        registry.add("mcp.gateway.demo.enabled", () -> "false");
        registry.add("mcp.gateway.servers[0].name", () -> "server1");
        registry.add("mcp.gateway.servers[0].url", server::url);
        registry.add("mcp.gateway.servers[0].prefix", () -> "myserver_");
        registry.add("mcp.gateway.kubernetes.enabled", () -> "true");
        registry.add("mcp.gateway.kubernetes.master-url", api::url);
        registry.add("mcp.gateway.kubernetes.lease.namespace", () -> "mcp-system");
        registry.add("mcp.gateway.kubernetes.lease.identity", () -> "gateway-test-0");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    RawMcpClient session(String path, Map<String, String> headers) throws Exception {
        RawMcpClient c = new RawMcpClient("http://127.0.0.1:" + port + path);
        headers.forEach(c::with);
        c.initialize("2025-11-25");
        return c;
    }

    List<String> tools(RawMcpClient c) throws Exception {
        List<String> names = new ArrayList<>();
        c.request(2, "tools/list", "{}").path("result").path("tools").forEach(t -> names.add(t.path("name").asText()));
        return names;
    }

    @Test
    @Order(1)
    void theSampleBecomesReadyWithItsToolCountAndIsServedByHeaderAndByPath() throws Exception {
        await().atMost(WAIT).until(() -> tools(session("/mcp", Map.of())).size() == 5);
        long start = System.nanoTime();
        api.applyFile("k8s/samples/virtual-server.yaml");
        await().atMost(WAIT).until(() -> "True".equals(api.ready(Kind.MCP_VIRTUAL_SERVER, "mcp-test", "myserver-readonly")
                .path("status").asText()));
        System.out.printf("kubernetes: MCPVirtualServer applied -> Ready in %d ms%n", (System.nanoTime() - start) / 1_000_000);
        JsonNode status = api.status(Kind.MCP_VIRTUAL_SERVER, "mcp-test", "myserver-readonly");
        assertThat(status.path("resolvedTools").asInt()).isEqualTo(2);
        assertThat(status.path("resolvedPrompts").asInt()).isZero();
        JsonNode ready = api.ready(Kind.MCP_VIRTUAL_SERVER, "mcp-test", "myserver-readonly");
        assertThat(ready.path("reason").asText()).isEqualTo("Ready");
        assertThat(ready.path("message").asText()).startsWith("serving 2 tools, 0 prompts");

        RawMcpClient byHeader = session("/mcp", Map.of("X-Mcp-Virtualserver", NAME));
        assertThat(tools(byHeader)).containsExactly("myserver_alpha", "myserver_beta");
        assertThat(byHeader.request(3, "tools/call", "{\"name\":\"myserver_beta\",\"arguments\":{}}")
                .path("result").path("content").path(0).path("text").asText()).isEqualTo("server1:beta");
        JsonNode outside = byHeader.request(4, "tools/call", "{\"name\":\"myserver_gamma\",\"arguments\":{}}").path("error");
        assertThat(outside.path("code").asInt()).isEqualTo(-32602);
        assertThat(outside.path("message").asText()).isEqualTo("Unknown tool: myserver_gamma");
        RawMcpClient byPath = session("/v/" + NAME + "/mcp", Map.of());
        assertThat(tools(byPath)).containsExactly("myserver_alpha", "myserver_beta");
        assertThat(tools(session("/mcp", Map.of()))).hasSize(5);
    }

    @Test
    @Order(2)
    void aToolNobodyServesMakesItNotReadyWhileTheRestIsServed() throws Exception {
        api.edit(Kind.MCP_VIRTUAL_SERVER, "mcp-test", "myserver-readonly", r -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> spec = (Map<String, Object>) r.getAdditionalProperties().get("spec");
            spec.put("tools", List.of("myserver_alpha", "myserver_b*", "myserver_e*", "myserver_zeta"));
            return r;
        });
        await().atMost(WAIT).until(() -> "ItemsNotFound".equals(api.ready(Kind.MCP_VIRTUAL_SERVER, "mcp-test",
                "myserver-readonly").path("reason").asText()));
        JsonNode ready = api.ready(Kind.MCP_VIRTUAL_SERVER, "mcp-test", "myserver-readonly");
        assertThat(ready.path("status").asText()).isEqualTo("False");
        assertThat(ready.path("message").asText()).contains("[myserver_zeta]");
        assertThat(api.status(Kind.MCP_VIRTUAL_SERVER, "mcp-test", "myserver-readonly").path("resolvedTools").asInt())
                .isEqualTo(3);
        assertThat(tools(session("/v/" + NAME + "/mcp", Map.of())))
                .containsExactly("myserver_alpha", "myserver_beta", "myserver_epsilon");
    }

    @Test
    @Order(3)
    void deletedItIsNoLongerServed() throws Exception {
        api.delete(Kind.MCP_VIRTUAL_SERVER, "mcp-test", "myserver-readonly");
        await().atMost(WAIT).until(() -> new RawMcpClient("http://127.0.0.1:" + port + "/v/" + NAME + "/mcp")
                .post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\","
                        + "\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}", Map.of()).statusCode() == 404);
    }
}
