package io.camelmcp.gateway.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
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

import io.camelmcp.gateway.support.CuttableProxy;
import io.camelmcp.gateway.support.FixtureServer;
import io.camelmcp.gateway.support.RawMcpClient;
import io.camelmcp.gateway.support.SilentListener;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;

/**
 * Registration from Kubernetes resources, as the seeds' users do it: the gateway watches fabric8's mock API
 * server (CRUD mode, our CRDs installed, reached through a relay that the closed-watch test cuts), and the
 * upstreams are MCP Java SDK servers behind EndpointSlices at 127.0.0.1. The steps build on each other.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "logging.level.io.fabric8.mockwebserver=WARN", "logging.level.io.camelmcp.gateway.kubernetes=DEBUG"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DirtiesContext
class KubernetesRegistrationTest {

    static final Duration WAIT = Duration.ofSeconds(20);
    static KubernetesApi api;
    static CuttableProxy apiLink;
    static FixtureServer server1;
    static FixtureServer everything1;
    static FixtureServer everything2;
    static FixtureServer late;
    static FixtureServer shadow;
    static FixtureServer hanging;
    static FixtureServer server2;

    @LocalServerPort
    int port;

    @org.springframework.beans.factory.annotation.Autowired
    KubernetesWatcher watcher;

    @DynamicPropertySource
    static void kubernetes(DynamicPropertyRegistry registry) throws Exception {
        api = new KubernetesApi();
        apiLink = new CuttableProxy(api.port());
        server1 = fixture("server1", "alpha", "beta", "gamma", "delta", "epsilon");
        everything1 = fixture("mcp-server", "echo", "add");
        everything2 = fixture("mcp-everything", "echo", "add", "sub");
        late = fixture("late", "ping");
        shadow = fixture("shadow", "pha"); // exposed as myserver_al + pha: the name of server1's alpha
        hanging = fixture("hanging", "wait");
        server2 = fixture("server2", "one", "two");
        registry.add("mcp.gateway.demo.enabled", () -> "false");
        registry.add("mcp.gateway.kubernetes.enabled", () -> "true");
        registry.add("mcp.gateway.kubernetes.master-url", () -> "http://127.0.0.1:" + apiLink.port());
        registry.add("mcp.gateway.kubernetes.lease.namespace", () -> "mcp-system");
        registry.add("mcp.gateway.kubernetes.lease.identity", () -> "gateway-test-0");
        registry.add("mcp.gateway.discovery.retry-interval", () -> "500ms");
        registry.add("mcp.gateway.discovery.health-interval", () -> "300ms");
        registry.add("mcp.gateway.discovery.health-timeout", () -> "500ms");
    }

    static FixtureServer fixture(String name, String... tools) throws Exception {
        FixtureServer.Builder b = FixtureServer.builder(name);
        for (String t : tools) {
            b.tool(t, args -> name + ":" + t);
        }
        return b.start();
    }

    // the API server stays up until the JVM ends: the gateway's context is closed after this class
    // (@DirtiesContext), and on its way out it releases its Lease and stops its watches against it
    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {server1, everything1, everything2, late, shadow, hanging, server2}) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    @Test
    @Order(1)
    void seedResourcesMakeTheRegistrationReadyAndItsToolsVisible() throws Exception {
        long start = System.nanoTime();
        // the Service and its EndpointSlice that a Deployment would have produced
        api.apply(service("mcp-test", "mcp-test-server1", 9090, null, Map.of()) + "---\n"
                + slice("mcp-test", "mcp-test-server1", null, server1.port()));
        api.applyFile("k8s/samples/kuadrant-registration.yaml"); // seed 000, as written
        await().atMost(WAIT).until(() -> tools().contains("myserver_alpha"));
        long visible = (System.nanoTime() - start) / 1_000_000;
        await().atMost(WAIT).until(() -> "True".equals(ready("mcp-test", "my-mcp-server").path("status").asText()));
        long ready = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("kubernetes: apply -> tools visible in %d ms, Ready=True in %d ms%n", visible, ready);

        assertThat(tools()).containsExactlyInAnyOrder("myserver_alpha", "myserver_beta", "myserver_gamma",
                "myserver_delta", "myserver_epsilon");
        JsonNode status = status(Kind.MCP_SERVER_REGISTRATION, "mcp-test", "my-mcp-server");
        assertThat(status.path("discoveredTools").asInt()).isEqualTo(5);
        assertThat(status.path("protocolVersion").asText()).isEqualTo("2025-11-25"); // the fixture is a 2025 server
        assertThat(ready("mcp-test", "my-mcp-server").path("reason").asText()).isEqualTo("Ready");
        JsonNode ext = condition(Kind.MCP_GATEWAY_EXTENSION, "mcp-test", "mcp-extension");
        assertThat(ext.path("status").asText()).isEqualTo("True");
        // one replica holds the status Lease
        GenericKubernetesResource lease = api.client().genericKubernetesResources("coordination.k8s.io/v1", "Lease")
                .inNamespace("mcp-system").withName("camel-mcp-gateway-status").get();
        assertThat(lease).isNotNull();
        assertThat(RawMcpClient.JSON.valueToTree(lease).path("spec").path("holderIdentity").asText()).isEqualTo("gateway-test-0");
        // and a call reaches the upstream
        RawMcpClient c = client();
        assertThat(c.request(5, "tools/call", "{\"name\":\"myserver_beta\",\"arguments\":{}}")
                .path("result").path("content").path(0).path("text").asText()).isEqualTo("server1:beta");
        // its calls' circuit breaker shows in the status from the first call
        await().atMost(WAIT).until(() -> "CLOSED".equals(status(Kind.MCP_SERVER_REGISTRATION, "mcp-test", "my-mcp-server")
                .path("circuitBreaker").asText()));
    }

    @Test
    @Order(2)
    void aNewPrefixIsFollowed() throws Exception {
        api.edit(Kind.MCP_SERVER_REGISTRATION, "mcp-test", "my-mcp-server", r -> {
            spec(r).put("toolPrefix", "renamed_");
            return r;
        });
        await().atMost(WAIT).until(() -> tools().contains("renamed_alpha") && !tools().contains("myserver_alpha"));
        await().atMost(WAIT).until(() -> "True".equals(ready("mcp-test", "my-mcp-server").path("status").asText()));
    }

    @Test
    @Order(3)
    void credentialsReachTheUpstreamAsAHeaderAndRotate() throws Exception {
        api.edit(Kind.MCP_SERVER_REGISTRATION, "mcp-test", "my-mcp-server", r -> {
            spec(r).put("credentialRef", new java.util.LinkedHashMap<>(Map.of("name", "server1-credentials")));
            return r;
        });
        // no Secret yet: not served, and the status says why
        await().atMost(WAIT).until(() -> "CredentialsMissing".equals(ready("mcp-test", "my-mcp-server").path("reason").asText()));
        assertThat(tools()).doesNotContain("renamed_alpha");

        api.apply(secret("mcp-test", "server1-credentials", "Bearer first-token"));
        await().atMost(WAIT).until(() -> "True".equals(ready("mcp-test", "my-mcp-server").path("status").asText()));
        assertThat(server1.authorizations()).contains("Bearer first-token");

        api.apply(secret("mcp-test", "server1-credentials", "Bearer second-token"));
        await().atMost(WAIT).until(() -> {
            RawMcpClient c = client();
            c.request(7, "tools/call", "{\"name\":\"renamed_alpha\",\"arguments\":{}}");
            return server1.authorizations().getLast().equals("Bearer second-token");
        });
    }

    @Test
    @Order(4)
    void aSecondExtensionInTheNamespaceIsRefused() throws Exception {
        api.apply("""
                apiVersion: mcp.kuadrant.io/v1alpha1
                kind: MCPGatewayExtension
                metadata:
                  name: second-extension
                  namespace: mcp-test
                spec:
                  targetRef:
                    group: gateway.networking.k8s.io
                    kind: Gateway
                    name: mcp-gateway
                    namespace: gateway-system
                    sectionName: mcp
                """);
        await().atMost(WAIT).until(() -> "Conflict".equals(condition(Kind.MCP_GATEWAY_EXTENSION, "mcp-test", "second-extension").path("reason").asText()));
        JsonNode refused = condition(Kind.MCP_GATEWAY_EXTENSION, "mcp-test", "second-extension");
        assertThat(refused.path("status").asText()).isEqualTo("False");
        assertThat(refused.path("message").asText()).contains("only one MCPGatewayExtension is allowed per namespace");
        assertThat(condition(Kind.MCP_GATEWAY_EXTENSION, "mcp-test", "mcp-extension").path("status").asText()).isEqualTo("True");
        assertThat(ready("mcp-test", "my-mcp-server").path("status").asText()).isEqualTo("True");
        api.delete(Kind.MCP_GATEWAY_EXTENSION, "mcp-test", "second-extension");
    }

    @Test
    @Order(5)
    void deletingTheRouteUnregistersAndTheStatusSaysWhy() throws Exception {
        api.delete(Kind.HTTP_ROUTE, "mcp-test", "my-mcp-server-route");
        await().atMost(WAIT).until(() -> !tools().contains("renamed_alpha"));
        await().atMost(WAIT).until(() -> "RouteNotFound".equals(ready("mcp-test", "my-mcp-server").path("reason").asText()));
        assertThat(ready("mcp-test", "my-mcp-server").path("message").asText()).contains("mcp-test/my-mcp-server-route");
        assertThat(status(Kind.MCP_SERVER_REGISTRATION, "mcp-test", "my-mcp-server").path("discoveredTools").asInt()).isZero();

        api.applyFile("k8s/samples/kuadrant-registration.yaml"); // the route again (the prefix edit is undone too)
        await().atMost(WAIT).until(() -> tools().contains("myserver_alpha"));
    }

    @Test
    @Order(6)
    void aClosedWatchIsRecoveredWithNothingMissed() throws Exception {
        int linkPort = apiLink.port();
        apiLink.cut(); // the API server goes away: every watch is closed, every new connection refused
        Thread.sleep(500);
        // meanwhile, a new server is registered
        api.apply(service("mcp-test", "late", 8080, null, Map.of()) + "---\n" + slice("mcp-test", "late", null, late.port())
                + "---\n" + route("mcp-test", "late-route", "late", 8080)
                + "---\n" + registration("mcp-test", "late", "late_", "late-route"));
        await().atMost(WAIT).until(() -> !watcher.watching()); // the gateway noticed
        assertThat(tools()).doesNotContain("late_ping"); // the gateway cannot know yet
        apiLink = new CuttableProxy(api.port(), linkPort); // the API server is back
        long back = System.nanoTime();
        await().atMost(Duration.ofSeconds(40)).until(() -> tools().contains("late_ping"));
        System.out.printf("fault: Kubernetes watch closed -> what was registered meanwhile served %d ms after the API "
                + "server was back%n", (System.nanoTime() - back) / 1_000_000);
        assertThat(watcher.watching()).isTrue();
        await().atMost(WAIT).until(() -> "True".equals(ready("mcp-test", "late").path("status").asText()));
        assertThat(tools()).contains("myserver_alpha");
    }

    @Test
    @Order(7)
    void deletingTheRegistrationRemovesItsTools() throws Exception {
        api.delete(Kind.MCP_SERVER_REGISTRATION, "mcp-test", "late");
        await().atMost(WAIT).until(() -> !tools().contains("late_ping"));
        assertThat(tools()).contains("myserver_alpha");
    }

    @Test
    @Order(8)
    void theStatusTellsAnUnreachableUpstreamAndAToolNameConflict() throws Exception {
        int deadPort = io.camelmcp.gateway.support.ServerEverything.freePort();
        api.apply(service("mcp-test", "down", 8080, null, Map.of()) + "---\n" + slice("mcp-test", "down", null, deadPort)
                + "---\n" + route("mcp-test", "down-route", "down", 8080)
                + "---\n" + registration("mcp-test", "down", "down_", "down-route"));
        await().atMost(WAIT).until(() -> "UpstreamUnreachable".equals(ready("mcp-test", "down").path("reason").asText()));
        assertThat(ready("mcp-test", "down").path("status").asText()).isEqualTo("False");
        api.delete(Kind.MCP_SERVER_REGISTRATION, "mcp-test", "down");

        // a served upstream that hangs: its health check gives up after the health timeout, and the condition says so
        CuttableProxy hangingLink = new CuttableProxy(hanging.port());
        api.apply(service("mcp-test", "hanging", 8080, null, Map.of()) + "---\n" + slice("mcp-test", "hanging", null, hangingLink.port())
                + "---\n" + route("mcp-test", "hanging-route", "hanging", 8080)
                + "---\n" + registration("mcp-test", "hanging", "hanging_", "hanging-route"));
        await().atMost(WAIT).until(() -> "True".equals(ready("mcp-test", "hanging").path("status").asText()));
        hangingLink.cut();
        try (SilentListener silent = new SilentListener(hangingLink.port())) {
            await().atMost(WAIT).until(() -> "UpstreamUnreachable".equals(ready("mcp-test", "hanging").path("reason").asText()));
            assertThat(ready("mcp-test", "hanging").path("status").asText()).isEqualTo("False");
            // the retry that follows (a full read) takes list-timeout (10 s) to fail: this is the health check's word
            assertThat(ready("mcp-test", "hanging").path("message").asText()).isEqualTo("ping failed: no answer within PT0.5S");
        }
        api.delete(Kind.MCP_SERVER_REGISTRATION, "mcp-test", "hanging");

        // the longer prefix owns a clashing name: server1's alpha is no longer served, and its status says so
        api.apply(service("mcp-test", "shadow", 8080, null, Map.of()) + "---\n" + slice("mcp-test", "shadow", null, shadow.port())
                + "---\n" + route("mcp-test", "shadow-route", "shadow", 8080)
                + "---\n" + registration("mcp-test", "shadow", "myserver_al", "shadow-route"));
        await().atMost(WAIT).until(() -> "ToolConflict".equals(ready("mcp-test", "my-mcp-server").path("reason").asText()));
        assertThat(ready("mcp-test", "my-mcp-server").path("message").asText()).contains("alpha");
        assertThat(status(Kind.MCP_SERVER_REGISTRATION, "mcp-test", "my-mcp-server").path("discoveredTools").asInt()).isEqualTo(4);
        api.delete(Kind.MCP_SERVER_REGISTRATION, "mcp-test", "shadow");
        await().atMost(WAIT).until(() -> "Ready".equals(ready("mcp-test", "my-mcp-server").path("reason").asText()));
    }

    @Test
    @Order(9)
    void aBackendSelectsServicesByLabelAndFollowsThem() throws Exception {
        // seed 001/002: Services with appProtocol kgateway.dev/mcp, a Backend selecting them, an HTTPRoute to it
        api.apply(service("default", "mcp-server", 3001, "app: mcp-server", Map.of())
                + "---\n" + slice("default", "mcp-server", null, everything1.port())
                + "---\n" + service("default", "mcp-everything", 3002, "app: mcp-server", Map.of("kgateway.dev/mcp-path", "/mcp"))
                + "---\n" + slice("default", "mcp-everything", null, everything2.port())
                + """
                ---
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata:
                  name: mcp-backend
                  namespace: default
                spec:
                  type: MCP
                  mcp:
                    name: mcp-virtual-server
                    targets:
                      - selectors:
                          serviceSelector:
                            matchLabels:
                              app: mcp-server
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata:
                  name: mcp
                  namespace: default
                spec:
                  parentRefs:
                    - name: agentgateway
                      namespace: default
                  rules:
                    - backendRefs:
                        - name: mcp-backend
                          group: gateway.kgateway.dev
                          kind: Backend
                """);
        await().atMost(WAIT).until(() -> tools().containsAll(List.of("mcp-server_echo", "mcp-server_add",
                "mcp-everything_echo", "mcp-everything_sub")));

        // relabelled: no longer selected, without touching the Backend
        api.edit(Kind.SERVICE, "default", "mcp-everything", s -> {
            s.getMetadata().getLabels().put("app", "something-else");
            return s;
        });
        await().atMost(WAIT).until(() -> !tools().contains("mcp-everything_sub"));
        // a Service added later with the label is picked up; the other spelling of the selector selects too
        api.apply(service("default", "late-mcp", 3003, "app: mcp-server", Map.of()) + "---\n" + slice("default", "late-mcp", null, late.port()));
        await().atMost(WAIT).until(() -> tools().contains("late-mcp_ping"));
        api.edit(Kind.BACKEND, "default", "mcp-backend", b -> {
            spec(b).put("mcp", Map.of("targets", List.of(Map.of("name", "mcp-server-everything",
                    "selector", Map.of("service", Map.of("matchLabels", Map.of("app", "something-else")))))));
            return b;
        });
        await().atMost(WAIT).until(() -> tools().contains("mcp-everything_sub") && !tools().contains("mcp-server_echo"));
        assertThat(tools()).contains("myserver_alpha");
    }

    @Test
    @Order(10)
    void v1AndV1alpha1RegistrationsAreBothReadyAndServedWithTheirPrefixes() throws Exception {
        // the v1 sample (prefix), and beside it a v1alpha1 registration (toolPrefix) of the same route, under the v1 extension
        api.apply(service("mcp-test-v1", "mcp-test-server1", 9090, null, Map.of()) + "---\n"
                + slice("mcp-test-v1", "mcp-test-server1", null, server2.port()));
        api.applyFile("k8s/samples/kuadrant-registration-v1.yaml");
        api.apply(registration("mcp-test-v1", "legacy", "legacy_", "my-mcp-server-route"));
        await().atMost(WAIT).until(() -> tools().containsAll(List.of("myserver_v1_one", "myserver_v1_two", "legacy_one", "legacy_two")));
        await().atMost(WAIT).until(() -> "True".equals(condition("v1", "mcp-test-v1", "my-mcp-server").path("status").asText())
                && "True".equals(condition("v1alpha1", "mcp-test-v1", "legacy").path("status").asText()));
        assertThat(tools()).contains("myserver_alpha"); // the seed's v1alpha1 registration still is too

        // each status is written to the version the object is in, and no copy appears in the other one
        for (String[] r : new String[][] {{"v1", "my-mcp-server"}, {"v1alpha1", "legacy"}}) {
            GenericKubernetesResource obj = api.get(Kind.MCP_SERVER_REGISTRATION, r[0], "mcp-test-v1", r[1]);
            assertThat(obj.getApiVersion()).isEqualTo("mcp.kuadrant.io/" + r[0]);
            JsonNode status = RawMcpClient.JSON.valueToTree(obj).path("status");
            assertThat(status.path("discoveredTools").asInt()).as(r[1]).isEqualTo(2);
            assertThat(condition(r[0], "mcp-test-v1", r[1]).path("reason").asText()).isEqualTo("Ready");
        }
        assertThat(api.get(Kind.MCP_SERVER_REGISTRATION, "v1alpha1", "mcp-test-v1", "my-mcp-server")).isNull();
        assertThat(api.get(Kind.MCP_SERVER_REGISTRATION, "v1", "mcp-test-v1", "legacy")).isNull();
        JsonNode ext = RawMcpClient.JSON.valueToTree(api.get(Kind.MCP_GATEWAY_EXTENSION, "v1", "mcp-test-v1", "mcp-extension"));
        assertThat(ext.at("/status/conditions/0/status").asText()).isEqualTo("True");

        RawMcpClient c = client();
        assertThat(c.request(11, "tools/call", "{\"name\":\"myserver_v1_two\",\"arguments\":{}}")
                .path("result").path("content").path(0).path("text").asText()).isEqualTo("server2:two");
        assertThat(c.request(12, "tools/call", "{\"name\":\"legacy_one\",\"arguments\":{}}")
                .path("result").path("content").path(0).path("text").asText()).isEqualTo("server2:one");
    }

    // ---- helpers ----

    RawMcpClient client() throws Exception {
        RawMcpClient c = new RawMcpClient("http://localhost:" + port + "/mcp");
        c.initialize("2025-11-25");
        return c;
    }

    List<String> tools() throws Exception {
        List<String> names = new ArrayList<>();
        client().request(2, "tools/list", "{}").path("result").path("tools").forEach(t -> names.add(t.path("name").asText()));
        return names;
    }

    static JsonNode status(Kind kind, String ns, String name) {
        return api.status(kind, ns, name);
    }

    static JsonNode condition(Kind kind, String ns, String name) {
        return api.ready(kind, ns, name);
    }

    /** The Ready condition of the registration in one version. */
    static JsonNode condition(String version, String ns, String name) {
        GenericKubernetesResource r = api.get(Kind.MCP_SERVER_REGISTRATION, version, ns, name);
        JsonNode status = r == null ? RawMcpClient.JSON.createObjectNode() : RawMcpClient.JSON.valueToTree(r).path("status");
        for (JsonNode c : status.path("conditions")) {
            if ("Ready".equals(c.path("type").asText())) {
                return c;
            }
        }
        return RawMcpClient.JSON.createObjectNode();
    }

    static JsonNode ready(String ns, String name) {
        return api.ready(Kind.MCP_SERVER_REGISTRATION, ns, name);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> spec(GenericKubernetesResource r) {
        return (Map<String, Object>) r.getAdditionalProperties().get("spec");
    }

    static String service(String ns, String name, int port, String labels, Map<String, String> annotations) {
        StringBuilder ann = new StringBuilder();
        annotations.forEach((k, v) -> ann.append("\n    ").append(k).append(": ").append(v));
        return """
                apiVersion: v1
                kind: Service
                metadata:
                  name: %s
                  namespace: %s
                  labels:
                    %s
                  annotations: {}%s
                spec:
                  ports:
                    - protocol: TCP
                      port: %d
                      appProtocol: kgateway.dev/mcp
                """.formatted(name, ns, labels == null ? "owner: test" : labels,
                ann.isEmpty() ? "" : "\n  annotations:" + ann, port).replace("  annotations: {}\n  annotations:", "  annotations:");
    }

    static String slice(String ns, String service, String portName, int port) {
        return """
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: %s-x1
                  namespace: %s
                  labels:
                    kubernetes.io/service-name: %s
                addressType: IPv4
                ports:
                  - %sport: %d
                    protocol: TCP
                endpoints:
                  - addresses: ["127.0.0.1"]
                    conditions:
                      ready: true
                """.formatted(service, ns, service, portName == null ? "" : "name: " + portName + "\n    ", port);
    }

    static String route(String ns, String name, String service, int port) {
        return """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata:
                  name: %s
                  namespace: %s
                spec:
                  parentRefs:
                    - name: mcp-gateway
                      namespace: gateway-system
                  rules:
                    - backendRefs:
                        - name: %s
                          port: %d
                """.formatted(name, ns, service, port);
    }

    static String registration(String ns, String name, String prefix, String route) {
        return """
                apiVersion: mcp.kuadrant.io/v1alpha1
                kind: MCPServerRegistration
                metadata:
                  name: %s
                  namespace: %s
                spec:
                  toolPrefix: %s
                  targetRef:
                    name: %s
                """.formatted(name, ns, prefix, route);
    }

    static String secret(String ns, String name, String token) {
        return """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: %s
                  namespace: %s
                  labels:
                    mcp.kuadrant.io/secret: "true"
                data:
                  token: %s
                """.formatted(name, ns, Base64.getEncoder().encodeToString(token.getBytes()));
    }
}
