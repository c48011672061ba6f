package io.camelmcp.gateway.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.camelmcp.gateway.support.FixtureServer;
import io.camelmcp.gateway.support.RawMcpClient;
import io.camelmcp.gateway.support.TestIdentities;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;

/**
 * MCPAccessPolicy feeding the authorization rules: the gateway watches fabric8's mock API server (CRUD mode, our CRDs
 * installed), k8s/samples/access-policy.yaml is applied as written, edited and deleted, and what callers list and call
 * follows; clients listening on their GET stream are told their lists changed. The steps build on each other.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "logging.level.io.fabric8.mockwebserver=WARN"})
@Import(TestIdentities.Config.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DirtiesContext
class KubernetesAccessPolicyTest {

    static final Duration WAIT = Duration.ofSeconds(20);
    static final String READER = "reader;mcp:read";
    static final String ADMIN = "boss;;mcp-admins";
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

    RawMcpClient session(String identity) throws Exception {
        RawMcpClient c = new RawMcpClient("http://127.0.0.1:" + port + "/mcp").with(TestIdentities.HEADER, identity);
        c.initialize("2025-11-25");
        return c;
    }

    List<String> tools(String identity) throws Exception {
        List<String> names = new ArrayList<>();
        session(identity).request(2, "tools/list", "{}").path("result").path("tools").forEach(t -> names.add(t.path("name").asText()));
        return names;
    }

    @Test
    @Order(1)
    void withoutPoliciesEveryoneMayUseEverything() throws Exception {
        await().atMost(WAIT).until(() -> tools(READER).size() == 5);
        assertThat(tools("anyone")).hasSize(5);
    }

    @Test
    @Order(2)
    void theSamplePolicyFiltersListsAndDeniesCalls() throws Exception {
        RawMcpClient listening = session(READER);
        List<JsonNode> told = new CopyOnWriteArrayList<>();
        try (AutoCloseable stream = listening.listen(told::add)) {
            Thread.sleep(300); // the stream is open before the change
            long start = System.nanoTime();
            api.applyFile("k8s/samples/access-policy.yaml");
            await().atMost(WAIT).until(() -> tools(READER).equals(List.of("myserver_alpha", "myserver_beta")));
            System.out.printf("kubernetes: MCPAccessPolicy applied -> lists filtered in %d ms%n", (System.nanoTime() - start) / 1_000_000);
            await().atMost(WAIT).until(() -> told.stream().anyMatch(m -> "notifications/tools/list_changed".equals(m.path("method").asText())));
        }
        assertThat(tools(ADMIN)).containsExactly("myserver_alpha", "myserver_beta", "myserver_epsilon", "myserver_gamma");
        assertThat(tools("anyone")).isEmpty(); // an allow rule exists: what no rule allows is denied
        RawMcpClient reader = session(READER);
        assertThat(reader.request(3, "tools/call", "{\"name\":\"myserver_beta\",\"arguments\":{}}")
                .path("result").path("content").path(0).path("text").asText()).isEqualTo("server1:beta");
        JsonNode denied = reader.request(4, "tools/call", "{\"name\":\"myserver_gamma\",\"arguments\":{}}").path("error");
        assertThat(denied.path("code").asInt()).isEqualTo(-32003);
        assertThat(denied.path("data").path("default").asText()).isEqualTo("deny");
        JsonNode never = session(ADMIN).request(5, "tools/call", "{\"name\":\"myserver_delta\",\"arguments\":{}}").path("error");
        assertThat(never.path("code").asInt()).isEqualTo(-32003);
        assertThat(never.path("data").path("rule").asText()).isEqualTo("mcp-test/myserver-access/never-delete");
    }

    @Test
    @Order(3)
    void anEditIsFollowed() throws Exception {
        api.edit(Kind.MCP_ACCESS_POLICY, "mcp-test", "myserver-access", r -> {
            JsonNode spec = RawMcpClient.JSON.valueToTree(r.getAdditionalProperties().get("spec"));
            ((ObjectNode) spec.path("rules").get(0)).putArray("tools").add("myserver_e*");
            r.getAdditionalProperties().put("spec", RawMcpClient.JSON.convertValue(spec, Object.class));
            return r;
        });
        await().atMost(WAIT).until(() -> tools(READER).equals(List.of("myserver_epsilon")));
    }

    @Test
    @Order(4)
    void deletingThePolicyOpensEverythingAgain() throws Exception {
        api.delete(Kind.MCP_ACCESS_POLICY, "mcp-test", "myserver-access");
        await().atMost(WAIT).until(() -> tools("anyone").size() == 5);
        GenericKubernetesResource gone = api.get(Kind.MCP_ACCESS_POLICY, "mcp-test", "myserver-access");
        assertThat(gone).isNull();
    }
}
