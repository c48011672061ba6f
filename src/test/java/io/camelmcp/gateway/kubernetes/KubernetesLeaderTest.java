package io.camelmcp.gateway.kubernetes;

import static io.camelmcp.gateway.kubernetes.KubernetesRegistrationTest.service;
import static io.camelmcp.gateway.kubernetes.KubernetesRegistrationTest.slice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.camelmcp.gateway.support.FixtureServer;
import io.camelmcp.gateway.support.RawMcpClient;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;

/**
 * Several replicas: all serve what is registered, only the holder of the status Lease writes status. Here
 * another replica holds the Lease first; this one serves the tools but leaves status alone until it takes over.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "logging.level.io.fabric8.mockwebserver=WARN")
@DirtiesContext
class KubernetesLeaderTest {

    static KubernetesApi api;
    static FixtureServer upstream;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void kubernetes(DynamicPropertyRegistry registry) throws Exception {
        api = new KubernetesApi();
        upstream = FixtureServer.builder("server1").tool("alpha", a -> "alpha").start();
        // the other replica renewed the Lease just now, for a long time
        api.client().leases().inNamespace("mcp-system").resource(new LeaseBuilder()
                .withNewMetadata().withName("camel-mcp-gateway-status").withNamespace("mcp-system").endMetadata()
                .withNewSpec().withHolderIdentity("gateway-other").withLeaseDurationSeconds(3600)
                .withAcquireTime(ZonedDateTime.now()).withRenewTime(ZonedDateTime.now()).withLeaseTransitions(0).endSpec()
                .build()).create();
        registry.add("mcp.gateway.demo.enabled", () -> "false");
        registry.add("mcp.gateway.kubernetes.enabled", () -> "true");
        registry.add("mcp.gateway.kubernetes.master-url", api::url);
        registry.add("mcp.gateway.kubernetes.lease.namespace", () -> "mcp-system");
        registry.add("mcp.gateway.kubernetes.lease.identity", () -> "gateway-test-1");
        registry.add("mcp.gateway.kubernetes.lease.retry-period", () -> "500ms");
    }

    @AfterAll
    static void stop() {
        upstream.close(); // the API server stays until the JVM ends, for the gateway's shutdown
    }

    @Test
    void onlyTheLeaseHolderWritesStatusButEveryReplicaServes() throws Exception {
        api.apply(service("mcp-test", "mcp-test-server1", 9090, null, Map.of()) + "---\n"
                + slice("mcp-test", "mcp-test-server1", null, upstream.port()));
        api.applyFile("k8s/samples/kuadrant-registration.yaml");
        await().atMost(Duration.ofSeconds(20)).until(() -> tools().contains("myserver_alpha"));
        Thread.sleep(2000); // time enough for a status write, were this replica writing
        assertThat(api.status(Kind.MCP_SERVER_REGISTRATION, "mcp-test", "my-mcp-server").isEmpty())
                .as("status of a registration while another replica holds the Lease").isTrue();

        JsonNode health = RawMcpClient.JSON.readTree(java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + port + "/actuator/health")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body()).path("components").path("kubernetes");
        assertThat(health.path("status").asText()).isEqualTo("UP");
        assertThat(health.path("details").path("writesStatus").asBoolean()).isFalse();

        api.client().leases().inNamespace("mcp-system").withName("camel-mcp-gateway-status").delete(); // it went away
        await().atMost(Duration.ofSeconds(20)).until(() -> "True".equals(
                api.ready(Kind.MCP_SERVER_REGISTRATION, "mcp-test", "my-mcp-server").path("status").asText()));
    }

    List<String> tools() throws Exception {
        RawMcpClient c = new RawMcpClient("http://localhost:" + port + "/mcp");
        c.initialize("2025-11-25");
        List<String> names = new ArrayList<>();
        c.request(2, "tools/list", "{}").path("result").path("tools").forEach(t -> names.add(t.path("name").asText()));
        return names;
    }
}
