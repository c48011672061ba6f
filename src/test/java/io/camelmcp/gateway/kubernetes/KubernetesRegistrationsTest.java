package io.camelmcp.gateway.kubernetes;

import static io.camelmcp.gateway.kubernetes.KubernetesRegistrationTest.registration;
import static io.camelmcp.gateway.kubernetes.KubernetesRegistrationTest.route;
import static io.camelmcp.gateway.kubernetes.KubernetesRegistrationTest.service;
import static io.camelmcp.gateway.kubernetes.KubernetesRegistrationTest.slice;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.camelmcp.gateway.registry.RegistrySnapshot;
import io.camelmcp.gateway.registry.ServerRegistration;
import io.camelmcp.gateway.registry.ServerRegistry;
import io.camelmcp.gateway.support.FixtureServer;
import io.camelmcp.gateway.upstream.UpstreamClient;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;

/** The reconcile step on its own, from given caches: the resolution rules the end-to-end test does not reach. */
class KubernetesRegistrationsTest {

    final Map<Kind, List<GenericKubernetesResource>> cache = new EnumMap<>(Kind.class);
    final KubernetesWatcher watcher = new KubernetesWatcher(null, null, Duration.ZERO) {
        @Override
        public List<GenericKubernetesResource> list(Kind kind) {
            return cache.getOrDefault(kind, List.of());
        }
    };
    final ServerRegistry registry = new ServerRegistry();
    final KubernetesProperties props = new KubernetesProperties();
    final KubernetesRegistrations registrations = new KubernetesRegistrations(watcher, registry, props, new ObjectMapper());

    void add(String yaml) {
        for (String doc : yaml.split("(?m)^---\\s*$")) {
            if (!doc.isBlank()) {
                GenericKubernetesResource r = Serialization.unmarshal(doc, GenericKubernetesResource.class);
                Kind k = Kind.of(r.getApiVersion(), r.getKind());
                if (k != null) {
                    cache.computeIfAbsent(k, x -> new ArrayList<>()).add(r);
                }
            }
        }
    }

    /** Seed 000's extension, grant, route and registration, with the Service behind the route. */
    void seed() throws Exception {
        add(Files.readString(Path.of("k8s/samples/kuadrant-registration.yaml")));
        add(service("mcp-test", "mcp-test-server1", 9090, null, Map.of()));
    }

    KubernetesRegistrations.RegistrationState state(String name) {
        return registrations.outcome().registrations().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    ServerRegistration served(String server) {
        RegistrySnapshot.Entry e = registry.snapshot().server(server);
        assertThat(e).as(server + " served").isNotNull();
        return e.registration();
    }

    @Test
    void throughTheGatewaysAddressTheRoutesHostnameIsSentAsHost() throws Exception {
        try (FixtureServer upstream = FixtureServer.builder("behind-gateway").tool("t", a -> "t").start();
             UpstreamClient http = new UpstreamClient(Duration.ofSeconds(5))) {
            props.setUpstreamAddress(KubernetesProperties.UpstreamAddress.GATEWAY);
            props.setGatewayUrl("http://127.0.0.1:" + upstream.port() + "/");
            seed();
            registrations.reconcile();

            ServerRegistration r = served("mcp-test.my-mcp-server");
            assertThat(r.url()).hasToString("http://127.0.0.1:" + upstream.port() + "/mcp");
            assertThat(r.headers()).containsEntry("Host", "my-mcp-server.mcp.local");
            http.post(r, null, ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                    + "\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}")
                    .getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(5)).readAll();
            assertThat(upstream.hosts()).contains("my-mcp-server.mcp.local");
        }
    }

    @Test
    void theServiceAddressIsItsClusterDnsName() throws Exception {
        props.setUpstreamAddress(KubernetesProperties.UpstreamAddress.SERVICE);
        seed();
        registrations.reconcile();
        assertThat(served("mcp-test.my-mcp-server").url())
                .hasToString("http://mcp-test-server1.mcp-test.svc.cluster.local:9090/mcp");
    }

    @Test
    void onlyReadyEndpointsOfTheRightPortAreUsed() throws Exception {
        seed();
        add("""
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: mcp-test-server1-a
                  namespace: mcp-test
                  labels: {kubernetes.io/service-name: mcp-test-server1}
                addressType: IPv4
                ports: [{port: 7000}]
                endpoints:
                  - addresses: ["10.0.0.1"]
                    conditions: {ready: false}
                """);
        registrations.reconcile();
        assertThat(state("my-mcp-server").reason()).isEqualTo("NoReadyEndpoints");

        add(slice("mcp-test", "mcp-test-server1", null, 7001).replace("127.0.0.1", "10.0.0.2").replace("-x1", "-b"));
        registrations.reconcile();
        assertThat(served("mcp-test.my-mcp-server").url()).hasToString("http://10.0.0.2:7001/mcp");
    }

    @Test
    void withoutItsReferenceGrantTheExtensionAndItsRegistrationsAreNotReady() throws Exception {
        seed();
        cache.remove(Kind.REFERENCE_GRANT);
        add(slice("mcp-test", "mcp-test-server1", null, 7001));
        registrations.reconcile();
        var ext = registrations.outcome().extensions().getFirst();
        assertThat(ext.ready()).isFalse();
        assertThat(ext.reason()).isEqualTo("RefNotPermitted");
        assertThat(state("my-mcp-server").reason()).isEqualTo("NoMatchingExtension");
        assertThat(registry.snapshot().servers()).isEmpty();
    }

    @Test
    void aRouteOnAnotherListenerIsNotServed() throws Exception {
        seed();
        add(slice("mcp-test", "mcp-test-server1", null, 7001));
        add(route("mcp-test", "other-listener", "mcp-test-server1", 9090).replace("namespace: gateway-system",
                "namespace: gateway-system\n      sectionName: https"));
        add(registration("mcp-test", "on-other-listener", "other_", "other-listener"));
        registrations.reconcile();
        assertThat(state("on-other-listener").reason()).isEqualTo("NoMatchingExtension");
        assertThat(state("my-mcp-server").server()).isEqualTo("mcp-test.my-mcp-server");
    }

    @Test
    void aPrefixStaysWithTheRegistrationThatHadItFirst() throws Exception {
        seed();
        add(slice("mcp-test", "mcp-test-server1", null, 7001));
        cache.get(Kind.MCP_SERVER_REGISTRATION).getFirst().getMetadata().setCreationTimestamp("2026-01-01T00:00:00Z");
        add(registration("mcp-test", "a-newcomer", "myserver_", "my-mcp-server-route"));
        cache.get(Kind.MCP_SERVER_REGISTRATION).getLast().getMetadata().setCreationTimestamp("2026-02-01T00:00:00Z");
        registrations.reconcile();
        assertThat(state("my-mcp-server").server()).isNotNull();
        assertThat(state("a-newcomer").reason()).isEqualTo("PrefixConflict");
        assertThat(state("a-newcomer").message()).contains("mcp-test/my-mcp-server");
    }

    @Test
    void thePrefixIsReadFromEitherFieldInEitherVersion() throws Exception {
        seed();
        add(slice("mcp-test", "mcp-test-server1", null, 7001));
        // without conversion an object keeps the field it was written with, whichever version it is read in
        add(prefixed("mcp.kuadrant.io/v1", "v1-prefix", "prefix: v1p_"));
        add(prefixed("mcp.kuadrant.io/v1", "v1-written-as-v1alpha1", "toolPrefix: v1t_"));
        add(prefixed("mcp.kuadrant.io/v1alpha1", "v1alpha1-written-as-v1", "prefix: v1alpha1p_"));
        registrations.reconcile();
        assertThat(served("mcp-test.my-mcp-server").prefix()).isEqualTo("myserver_"); // v1alpha1, toolPrefix
        assertThat(served("mcp-test.v1-prefix").prefix()).isEqualTo("v1p_");
        assertThat(served("mcp-test.v1-written-as-v1alpha1").prefix()).isEqualTo("v1t_");
        assertThat(served("mcp-test.v1alpha1-written-as-v1").prefix()).isEqualTo("v1alpha1p_");
    }

    static String prefixed(String apiVersion, String name, String prefixField) {
        return """
                apiVersion: %s
                kind: MCPServerRegistration
                metadata: {name: %s, namespace: mcp-test}
                spec:
                  %s
                  targetRef: {name: my-mcp-server-route}
                """.formatted(apiVersion, name, prefixField);
    }

    @Test
    void staticBackendTargetsAreServedLegacySseOnesOverThatTransport() {
        add("""
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: fixed, namespace: default}
                spec:
                  type: MCP
                  mcp:
                    targets:
                      - name: website
                        static: {host: fetcher.default.svc.cluster.local, port: 80, path: /v1/mcp}
                      - name: legacy
                        static: {host: old.default.svc.cluster.local, port: 80, protocol: SSE}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: fixed, namespace: default}
                spec:
                  parentRefs: [{name: agentgateway}]
                  rules:
                    - backendRefs: [{name: fixed, group: gateway.kgateway.dev, kind: Backend}]
                """);
        registrations.reconcile();
        ServerRegistration r = served("default.fixed.website");
        assertThat(r.url()).hasToString("http://fetcher.default.svc.cluster.local:80/v1/mcp");
        assertThat(r.prefix()).isEqualTo("website_");
        ServerRegistration legacy = served("default.fixed.legacy");
        assertThat(legacy.url()).hasToString("http://old.default.svc.cluster.local:80/sse"); // kgateway's default for SSE
        assertThat(legacy.transport()).isEqualTo(io.camelmcp.gateway.registry.UpstreamTransport.SSE);
        assertThat(r.transport()).isEqualTo(io.camelmcp.gateway.registry.UpstreamTransport.STREAMABLE_HTTP);
    }
}
