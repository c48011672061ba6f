package io.camelmcp.gateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.camelmcp.gateway.kubernetes.Kind;
import io.camelmcp.gateway.support.FixtureServer;
import io.camelmcp.gateway.support.RawMcpClient;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * What docs/deploy.md says happens when CRDs the gateway watches are missing, on an API server (fabric8's mock, CRUD
 * mode, the gateway's own CRDs installed) that answers {@code 404 page not found} for the Gateway API and kgateway
 * groups, as a cluster without those CRDs does, until they are "installed": the log lines, the health and readiness,
 * the registration's status, and the guide's own session and registration, then picked up without a restart.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"logging.level.io.fabric8.mockwebserver=WARN"})
@ExtendWith(OutputCaptureExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DirtiesContext
class MissingCrdTest {

    static final Duration WAIT = Duration.ofSeconds(20);
    static final List<String> NOT_INSTALLED = List.of("/apis/gateway.networking.k8s.io/", "/apis/gateway.kgateway.dev/");
    static final int NOT_INSTALLED_KINDS = 3; // HTTPRoute, ReferenceGrant, Backend
    static final Path GUIDE = Path.of("docs/deploy.md");
    static volatile boolean installed;
    static KubernetesMockServer server;
    static KubernetesClient kubectl;
    static FixtureServer everything;
    static String session;

    @DynamicPropertySource
    static void kubernetes(DynamicPropertyRegistry registry) throws Exception {
        Dispatcher crud = new KubernetesCrudDispatcher();
        Dispatcher missing = new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                if (!installed && NOT_INSTALLED.stream().anyMatch(request.getPath()::startsWith)) {
                    return new MockResponse().setResponseCode(404).setBody("404 page not found\n");
                }
                return crud.dispatch(request);
            }

            @Override
            public void shutdown() {
                crud.shutdown();
            }
        };
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), missing, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        kubectl = server.createClient();
        try (var crds = Files.list(Path.of("k8s/crds"))) {
            for (Path crd : crds.filter(p -> p.toString().endsWith(".yaml") && !p.endsWith("kustomization.yaml")).sorted().toList()) {
                kubectl.apiextensions().v1().customResourceDefinitions()
                        .resource(Serialization.unmarshal(Files.newInputStream(crd), CustomResourceDefinition.class)).create();
            }
        }
        everything = FixtureServer.builder("everything").tool("echo", a -> "echo").tool("get-sum", a -> "3").start();
        registry.add("mcp.gateway.demo.enabled", () -> "false"); // as k8s/base/deployment.yaml
        registry.add("mcp.gateway.kubernetes.enabled", () -> "true");
        registry.add("mcp.gateway.kubernetes.master-url", () -> "http://127.0.0.1:" + server.getPort());
        registry.add("mcp.gateway.kubernetes.lease.namespace", () -> "mcp-system");
        registry.add("mcp.gateway.kubernetes.lease.identity", () -> "gateway-missing-crd-0");
        registry.add("mcp.gateway.discovery.retry-interval", () -> "500ms");
    }

    @AfterAll
    static void stop() {
        everything.close();
    }

    @LocalServerPort
    int port;

    final HttpClient http = HttpClient.newHttpClient();

    @Test
    @Order(1)
    void theKindsNotInstalledAreLoggedOnceAndReportedInHealthAndTheGatewayServes(CapturedOutput output) throws Exception {
        await().atMost(WAIT).until(() -> "UNKNOWN".equals(health().at("/components/kubernetes/status").asText()));
        // and the installed kinds watched: just after start-up no watch is up yet
        await().atMost(WAIT).until(() -> health().at("/components/kubernetes/details/notWatching").size() == NOT_INSTALLED_KINDS);
        JsonNode kubernetes = health().at("/components/kubernetes");
        assertThat(kubernetes.at("/details/notWatching").toString()).isEqualTo("[\"HTTPRoute\",\"ReferenceGrant\",\"Backend\"]");
        assertThat(kubernetes.at("/details/apiServer").asText()).startsWith("http://127.0.0.1:" + server.getPort());
        assertThat(health().path("status").asText()).isEqualTo("UP");
        assertThat(get("/actuator/health/readiness").path("status").asText()).isEqualTo("UP");
        assertThat(get("/actuator/health/readiness").at("/components").has("kubernetes")).isFalse();

        await().atMost(WAIT).until(() -> output.getOut().contains("Not watching [HTTPRoute, ReferenceGrant, Backend] at "));
        String log = output.getOut();
        for (String kind : List.of("gateway.networking.k8s.io/v1 HTTPRoute", "gateway.networking.k8s.io/v1beta1 ReferenceGrant",
                "gateway.kgateway.dev/v1alpha1 Backend")) {
            assertThat(count(log, "Cannot list/watch " + kind + ": ")).as(kind).isEqualTo(1);
        }
        assertThat(log).contains("Cannot list/watch gateway.networking.k8s.io/v1 HTTPRoute: java.util.concurrent.CompletionException: "
                + "io.fabric8.kubernetes.client.KubernetesClientException: Failure executing: GET at: http://127.0.0.1:"
                + server.getPort() + "/apis/gateway.networking.k8s.io/v1/httproutes?resourceVersion=0. Message: ");
        assertThat(count(log, "Not watching [")).isEqualTo(1);
        assertThat(log).contains("Not watching [HTTPRoute, ReferenceGrant, Backend] at http://127.0.0.1:" + server.getPort()
                + "/ (API server unreachable, or the kind not installed); serving the registrations last seen, "
                + "re-listing when the watch is back");
        for (String line : log.split("\n")) {
            if (line.contains("Cannot list/watch gateway.networking.k8s.io/v1 HTTPRoute") || line.contains("Not watching [")) {
                System.out.println("deploy.md, as logged: " + line.substring(line.indexOf("WARN")));
            }
        }

        // the guide's first MCP call, as its curl sends it: no servers yet
        HttpResponse<String> init = post(null, "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"initialize\", \"params\": "
                + "{\"protocolVersion\": \"2025-11-25\", \"capabilities\": {}, \"clientInfo\": {\"name\": \"test-client\", \"version\": \"1.0.0\"}}}");
        session = init.headers().firstValue("mcp-session-id").orElseThrow();
        HttpResponse<String> list = post(session, "{\"jsonrpc\": \"2.0\", \"id\": 2, \"method\": \"tools/list\"}");
        assertThat(list.body().strip()).isEqualTo(guideAnswer(2));
    }

    @Test
    @Order(2)
    void aRegistrationWhoseRouteKindIsMissingIsNotReadyRouteNotFound() throws Exception {
        List<GenericKubernetesResource> docs = guideRegistration();
        assertThat(docs).extracting(GenericKubernetesResource::getKind)
                .containsExactly("MCPGatewayExtension", "HTTPRoute", "MCPServerRegistration");
        // the guide's objects of our kinds are valid by our CRDs
        for (GenericKubernetesResource d : docs) {
            if (d.getApiVersion().startsWith("mcp.kuadrant.io/")) {
                CrdSchema crd = CrdSchema.of(Path.of("k8s/crds/mcp.kuadrant.io_" + d.getKind().toLowerCase() + "s.yaml"), "v1alpha1");
                assertThat(crd.problems(CrdSchema.JSON.valueToTree(d))).as(d.getKind()).isEmpty();
            }
        }
        // kubectl applies the objects of the kinds it knows, and refuses the HTTPRoute
        for (GenericKubernetesResource d : docs) {
            if (d.getKind().equals("HTTPRoute")) {
                assertThatThrownBy(() -> create(d)).isInstanceOfSatisfying(KubernetesClientException.class,
                        e -> assertThat(e.getCode()).isEqualTo(404));
            } else {
                create(d);
            }
        }
        await().atMost(WAIT).until(() -> "False".equals(ready(Kind.MCP_SERVER_REGISTRATION, "everything").path("status").asText()));
        JsonNode ready = ready(Kind.MCP_SERVER_REGISTRATION, "everything");
        assertThat(ready.path("reason").asText()).isEqualTo("RouteNotFound");
        assertThat(ready.path("message").asText()).isEqualTo("HTTPRoute default/everything not found");
        await().atMost(WAIT).until(() -> "True".equals(ready(Kind.MCP_GATEWAY_EXTENSION, "mcp-extension").path("status").asText()));
        assertThat(get("/actuator/health/readiness").path("status").asText()).isEqualTo("UP");
    }

    @Test
    @Order(3)
    void crdsInstalledLaterAreWatchedWithoutARestart(CapturedOutput output) throws Exception {
        installed = true;
        // the Service of k8s/samples/mcp-servers.yaml, its endpoint at the fixture, and the guide's HTTPRoute
        for (JsonNode d : CamelKIntegrationTest.docs(Path.of("k8s/samples/mcp-servers.yaml"))) {
            if (d.path("kind").asText().equals("Service") && d.at("/metadata/name").asText().equals("mcp-server-everything")) {
                create(CrdSchema.JSON.treeToValue(d, GenericKubernetesResource.class));
                assertThat(d.at("/spec/ports/0/port").asInt()).isEqualTo(3001);
            }
        }
        create(Serialization.unmarshal("""
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: mcp-server-everything-x1
                  namespace: default
                  labels:
                    kubernetes.io/service-name: mcp-server-everything
                addressType: IPv4
                ports:
                  - port: %d
                    protocol: TCP
                endpoints:
                  - addresses: ["127.0.0.1"]
                    conditions:
                      ready: true
                """.formatted(everything.port()), GenericKubernetesResource.class));
        create(guideRegistration().get(1));

        // the informers retry with a back-off (up to about half a minute between two lists)
        Duration backOff = Duration.ofSeconds(75);
        await().atMost(backOff).until(() -> "True".equals(ready(Kind.MCP_SERVER_REGISTRATION, "everything").path("status").asText()));
        await().atMost(backOff).until(() -> "UP".equals(health().at("/components/kubernetes/status").asText()));
        assertThat(health().at("/components/kubernetes/details/notWatching").toString()).isEqualTo("[]");
        await().atMost(WAIT).until(() -> output.getOut().contains("Watching all Kubernetes kinds again at http://127.0.0.1:"
                + server.getPort() + "/"));
        for (String kind : List.of("gateway.networking.k8s.io/v1 HTTPRoute", "gateway.networking.k8s.io/v1beta1 ReferenceGrant",
                "gateway.kgateway.dev/v1alpha1 Backend")) {
            assertThat(count(output.getOut(), "Watching " + kind + " again")).as(kind).isEqualTo(1);
        }

        HttpResponse<String> list = post(session, "{\"jsonrpc\": \"2.0\", \"id\": 3, \"method\": \"tools/list\"}");
        List<String> tools = new ArrayList<>();
        RawMcpClient.messages(list).getFirst().at("/result/tools").forEach(t -> tools.add(t.path("name").asText()));
        assertThat(tools).containsExactly("everything_echo", "everything_get-sum");
        assertThat(guideAnswer(3)).startsWith("{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{\"tools\":[{\"name\":\"" + tools.getFirst() + "\"");
    }

    // ---- helpers ----

    /** The YAML block of docs/deploy.md after {@code <!-- deploy: first-registration -->}, one object a document. */
    static List<GenericKubernetesResource> guideRegistration() throws IOException {
        Matcher m = Pattern.compile("<!-- deploy: first-registration -->\\s*```yaml\\n(.*?)```", Pattern.DOTALL)
                .matcher(Files.readString(GUIDE));
        assertThat(m.find()).as("the first registration in docs/deploy.md").isTrue();
        List<GenericKubernetesResource> out = new ArrayList<>();
        for (String doc : m.group(1).split("(?m)^---\\s*$")) {
            out.add(Serialization.unmarshal(doc, GenericKubernetesResource.class));
        }
        return out;
    }

    /** The answer docs/deploy.md prints for the request with this id ({@code # -> ...}). */
    static String guideAnswer(int id) throws IOException {
        Matcher m = Pattern.compile("# -> (\\{\"jsonrpc\":\"2.0\",\"id\":" + id + ",.*)").matcher(Files.readString(GUIDE));
        assertThat(m.find()).as("the answer to id %d in docs/deploy.md", id).isTrue();
        return m.group(1).strip();
    }

    static void create(GenericKubernetesResource r) {
        Kind kind = Kind.of(r.getApiVersion(), r.getKind());
        assertThat(kind).as(r.getApiVersion() + " " + r.getKind()).isNotNull();
        kubectl.genericKubernetesResources(kind.contextOf(r.getApiVersion())).inNamespace(r.getMetadata().getNamespace()).resource(r).create();
    }

    static JsonNode ready(Kind kind, String name) {
        GenericKubernetesResource r = null;
        for (String version : kind.versions()) { // the version it was written in: the mock keeps versions apart
            r = r != null ? r : kubectl.genericKubernetesResources(kind.context(version)).inNamespace("default").withName(name).get();
        }
        JsonNode status = r == null ? CrdSchema.JSON.createObjectNode() : CrdSchema.JSON.valueToTree(r).path("status");
        for (JsonNode c : status.path("conditions")) {
            if ("Ready".equals(c.path("type").asText())) {
                return c;
            }
        }
        return CrdSchema.JSON.createObjectNode();
    }

    private HttpResponse<String> post(String sessionId, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/mcp"))
                .header("Content-Type", "application/json").header("Accept", "*/*") // curl's default Accept
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (sessionId != null) {
            b.header("mcp-session-id", sessionId);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r;
    }

    private JsonNode health() throws IOException, InterruptedException {
        return get("/actuator/health");
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        return RawMcpClient.JSON.readTree(r.body());
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
