package io.camelmcp.gateway.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * The watcher against clusters whose Kuadrant CRDs serve both versions, only one (older or newer CRDs), or none yet:
 * fabric8's mock API server (CRUD mode, each version kept apart) answering {@code 404 page not found} for what is not
 * served, as kube-apiserver does. A version not served is said once and is no outage; a kind with no version served
 * is one warning, and is watched without a restart once installed.
 */
@ExtendWith(OutputCaptureExtension.class)
class KubernetesWatcherVersionsTest {

    static final Duration WAIT = Duration.ofSeconds(20);
    /** The reconcile route is not there: events go nowhere, the caches are what is checked. */
    static final ProducerTemplate NO_ROUTE = (ProducerTemplate) Proxy.newProxyInstance(ProducerTemplate.class.getClassLoader(),
            new Class<?>[] {ProducerTemplate.class}, (proxy, method, args) -> null);

    /** What the API server serves: a request's path to the path it is served from, null when not served (404). */
    volatile UnaryOperator<String> served = UnaryOperator.identity();

    @Test
    void aClusterServingOnlyV1alpha1IsWatchedInV1alpha1(CapturedOutput output) throws Exception {
        served = path -> path.startsWith("/apis/mcp.kuadrant.io/v1/") ? null : path;
        try (KubernetesApi api = new KubernetesApi(path -> served.apply(path));
             KubernetesWatcher watcher = new KubernetesWatcher(api.client(), NO_ROUTE, Duration.ofMinutes(5))) {
            api.applyFile("k8s/samples/kuadrant-registration.yaml");
            watcher.start();
            // MCPVirtualServer exists only in v1: a cluster with the older CRDs has none
            await().atMost(WAIT).until(() -> watcher.list(Kind.MCP_SERVER_REGISTRATION).size() == 1
                    && watcher.list(Kind.MCP_GATEWAY_EXTENSION).size() == 1
                    && watcher.notWatching().equals(java.util.EnumSet.of(Kind.MCP_VIRTUAL_SERVER)));
            assertThat(names(watcher, Kind.MCP_SERVER_REGISTRATION)).containsExactly("mcp.kuadrant.io/v1alpha1 mcp-test/my-mcp-server");
            assertThat(names(watcher, Kind.MCP_GATEWAY_EXTENSION)).containsExactly("mcp.kuadrant.io/v1alpha1 mcp-test/mcp-extension");
            await().atMost(WAIT).until(() -> output.getOut().contains("mcp.kuadrant.io/v1 MCPGatewayExtension is not served at "));
            assertThat(count(output.getOut(), "mcp.kuadrant.io/v1 MCPServerRegistration is not served at ")).isEqualTo(1);
            assertThat(watcher.failing()).containsExactly(Kind.MCP_VIRTUAL_SERVER);
            assertThat(output.getOut()).doesNotContain("Cannot list/watch mcp.kuadrant.io/v1alpha1")
                    .doesNotContain("Cannot list/watch mcp.kuadrant.io/v1 MCPServerRegistration")
                    .doesNotContain("Cannot list/watch mcp.kuadrant.io/v1 MCPGatewayExtension");
        }
    }

    @Test
    void aClusterServingOnlyV1IsWatchedInV1(CapturedOutput output) throws Exception {
        served = path -> path.startsWith("/apis/mcp.kuadrant.io/v1alpha1/") ? null : path;
        try (KubernetesApi api = new KubernetesApi(path -> served.apply(path));
             KubernetesWatcher watcher = new KubernetesWatcher(api.client(), NO_ROUTE, Duration.ofMinutes(5))) {
            api.applyFile("k8s/samples/kuadrant-registration-v1.yaml");
            watcher.start();
            await().atMost(WAIT).until(() -> watcher.synced() && watcher.watching());
            assertThat(names(watcher, Kind.MCP_SERVER_REGISTRATION)).containsExactly("mcp.kuadrant.io/v1 mcp-test-v1/my-mcp-server");
            await().atMost(WAIT).until(() -> output.getOut().contains("mcp.kuadrant.io/v1alpha1 MCPServerRegistration is not served at "));
            assertThat(watcher.notWatching()).isEmpty();
            assertThat(output.getOut()).doesNotContain("Cannot list/watch");
        }
    }

    @Test
    void anObjectShownInBothVersionsIsReadOnce() throws Exception {
        // as kube-apiserver does: every object under v1alpha1 too, the same object (same uid)
        try (KubernetesApi api = new KubernetesApi(path -> path.replace("/apis/mcp.kuadrant.io/v1alpha1/", "/apis/mcp.kuadrant.io/v1/"));
             KubernetesWatcher watcher = new KubernetesWatcher(api.client(), NO_ROUTE, Duration.ofMinutes(5))) {
            api.applyFile("k8s/samples/kuadrant-registration-v1.yaml");
            watcher.start();
            await().atMost(WAIT).until(() -> watcher.synced() && watcher.watching());
            assertThat(api.client().genericKubernetesResources(Kind.MCP_SERVER_REGISTRATION.context("v1alpha1")).inAnyNamespace()
                    .list().getItems()).hasSize(1);
            assertThat(names(watcher, Kind.MCP_SERVER_REGISTRATION)).containsExactly("mcp.kuadrant.io/v1 mcp-test-v1/my-mcp-server");
            assertThat(names(watcher, Kind.MCP_GATEWAY_EXTENSION)).containsExactly("mcp.kuadrant.io/v1 mcp-test-v1/mcp-extension");
        }
    }

    @Test
    void bothVersionsKeptApartAreBothRead() throws Exception {
        try (KubernetesApi api = new KubernetesApi();
             KubernetesWatcher watcher = new KubernetesWatcher(api.client(), NO_ROUTE, Duration.ofMinutes(5))) {
            api.applyFile("k8s/samples/kuadrant-registration.yaml");
            api.applyFile("k8s/samples/kuadrant-registration-v1.yaml");
            watcher.start();
            await().atMost(WAIT).until(() -> watcher.synced() && watcher.list(Kind.MCP_SERVER_REGISTRATION).size() == 2);
            assertThat(names(watcher, Kind.MCP_SERVER_REGISTRATION)).containsExactly(
                    "mcp.kuadrant.io/v1 mcp-test-v1/my-mcp-server", "mcp.kuadrant.io/v1alpha1 mcp-test/my-mcp-server");
        }
    }

    @Test
    void aKindWithNoVersionServedIsOneWarningAndIsWatchedOnceInstalled(CapturedOutput output) throws Exception {
        served = path -> path.startsWith("/apis/mcp.kuadrant.io/") ? null : path;
        try (KubernetesApi api = new KubernetesApi(path -> served.apply(path));
             KubernetesWatcher watcher = new KubernetesWatcher(api.client(), NO_ROUTE, Duration.ofMinutes(5))) {
            watcher.start();
            await().atMost(WAIT).until(() -> output.getOut().contains("Cannot list/watch mcp.kuadrant.io/")
                    && watcher.notWatching().equals(java.util.EnumSet.of(Kind.MCP_SERVER_REGISTRATION, Kind.MCP_GATEWAY_EXTENSION,
                    Kind.MCP_VIRTUAL_SERVER)));
            assertThat(watcher.failing()).containsExactlyInAnyOrder(Kind.MCP_SERVER_REGISTRATION, Kind.MCP_GATEWAY_EXTENSION,
                    Kind.MCP_VIRTUAL_SERVER);
            assertThat(output.getOut()).doesNotContain("is not served at");

            served = UnaryOperator.identity(); // the CRDs are installed
            api.applyFile("k8s/samples/kuadrant-registration-v1.yaml");
            await().atMost(Duration.ofSeconds(75)).until(() -> watcher.watching()
                    && names(watcher, Kind.MCP_SERVER_REGISTRATION).equals(List.of("mcp.kuadrant.io/v1 mcp-test-v1/my-mcp-server")));
            String log = output.getOut();
            for (String kind : List.of("MCPServerRegistration", "MCPGatewayExtension")) {
                assertThat(count(log, "Cannot list/watch mcp.kuadrant.io/", kind)).as(kind).isEqualTo(1);
            }
            assertThat(log).contains("Watching mcp.kuadrant.io/v1 MCPServerRegistration again");
            assertThat(watcher.failing()).isEmpty();
        }
    }

    static List<String> names(KubernetesWatcher watcher, Kind kind) {
        return watcher.list(kind).stream().map(r -> r.getApiVersion() + " " + r.getMetadata().getNamespace() + "/"
                + r.getMetadata().getName()).sorted().toList();
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    /** Lines with both parts. */
    private static int count(String text, String part, String kind) {
        return (int) text.lines().filter(l -> l.contains(part) && l.contains(" " + kind + " ")).count();
    }
}
