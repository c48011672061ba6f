package io.camelmcp.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
import io.camelmcp.gateway.support.StatelessRequests;

/**
 * The meters of sessions, streams and catalogue fan-outs as a scraper reads them from /actuator/prometheus after real
 * traffic, and the Grafana dashboard of k8s/grafana checked against such a scrape: every metric its queries name, and
 * every label they select on, is one the gateway serves (so the dashboard cannot rot when a meter is renamed).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability(tracing = false) // Spring Boot's tests leave metrics export off unless asked
class GatewayMetricsTest {

    static final Path DASHBOARD = Path.of("k8s/grafana/camel-mcp-gateway.json");
    static FixtureServer fixture;
    /** A server that stops while registered and ready: the next call to it finds no one (a connection failure). */
    static FixtureServer mortal;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) throws Exception {
        fixture = FixtureServer.builder("metered")
                .tool("add", a -> String.valueOf(((Number) a.get("a")).intValue() + ((Number) a.get("b")).intValue()))
                .start();
        mortal = FixtureServer.builder("mortal").tool("ping", a -> "pong").start();
        registry.add("mcp.gateway.demo.enabled", () -> "false");
        registry.add("mcp.gateway.servers[0].name", () -> "metered");
        registry.add("mcp.gateway.servers[0].url", () -> fixture.url());
        registry.add("mcp.gateway.servers[0].prefix", () -> "m_");
        registry.add("mcp.gateway.servers[1].name", () -> "mortal");
        registry.add("mcp.gateway.servers[1].url", () -> mortal.url());
        registry.add("mcp.gateway.servers[1].prefix", () -> "d_");
    }

    @AfterAll
    static void stop() {
        fixture.close();
        mortal.close();
    }

    @Test
    void sessionsStreamsAndListsAreMeasured() throws Exception {
        awaitReady();
        String endpoint = "http://127.0.0.1:" + port + "/mcp";
        // the catalogue's own list-change stream to the server is open once it has been read
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> upstreamStreams() >= 1);
        String before = scrape();
        double sessions = value(before, "mcp_sessions_active");
        double upstream = value(before, "mcp_gateway_upstream_streams_active", "server=\"metered\"");
        double cached = value(before, "mcp_gateway_fanout_duration_seconds_count", "mcp_method_name=\"tools/list\"", "source=\"cache\"");
        double read = value(before, "mcp_gateway_fanout_duration_seconds_count", "mcp_method_name=\"tools/list\"", "source=\"servers\"");
        assertThat(value(before, "mcp_gateway_streams_active", "kind=\"get\"")).isZero();

        // a client in the probes' view: its list comes from the cache
        RawMcpClient a = new RawMcpClient(endpoint);
        a.initialize("2025-11-25");
        assertThat(a.request(2, "tools/list", null).toString()).contains("m_add");
        String s1 = scrape();
        assertThat(value(s1, "mcp_gateway_fanout_duration_seconds_count", "mcp_method_name=\"tools/list\"", "source=\"cache\""))
                .isEqualTo(cached + 1);
        assertThat(value(s1, "mcp_gateway_fanout_duration_seconds_count", "mcp_method_name=\"tools/list\"", "source=\"servers\""))
                .isEqualTo(read);
        assertThat(s1).as("explicit buckets, from half a millisecond")
                .contains("mcp_gateway_fanout_duration_seconds_bucket{mcp_method_name=\"tools/list\",source=\"cache\",le=\"5.0E-4\"}");

        // a client that declares elicitation is a view nobody read yet: its first list reads the servers, the next is cached
        RawMcpClient b = new RawMcpClient(endpoint);
        b.initialize("2025-11-25", "{\"elicitation\":{}}");
        assertThat(b.request(2, "tools/list", null).toString()).contains("m_add");
        assertThat(b.request(3, "tools/list", null).toString()).contains("m_add");
        String s2 = scrape();
        assertThat(value(s2, "mcp_gateway_fanout_duration_seconds_count", "mcp_method_name=\"tools/list\"", "source=\"servers\""))
                .isEqualTo(read + 1);
        assertThat(value(s2, "mcp_gateway_fanout_duration_seconds_count", "mcp_method_name=\"tools/list\"", "source=\"cache\""))
                .isEqualTo(cached + 2);
        assertThat(value(s2, "mcp_sessions_active")).isEqualTo(sessions + 2);

        // a GET stream counts while it is open, and so does the upstream stream the gateway holds for it (the server
        // logs, and the client asks for log messages)
        assertThat(a.request(3, "logging/setLevel", "{\"level\":\"info\"}").toString()).contains("result");
        List<JsonNode> received = new java.util.concurrent.CopyOnWriteArrayList<>();
        double withPool;
        try (AutoCloseable stream = a.listen(received::add)) {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> value(scrape(), "mcp_gateway_streams_active", "kind=\"get\"") == 1);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> upstreamStreams() == upstream + 1);
            // a 2026-07-28 subscription counts as a stream of its own kind (that its client closed it shows at a later
            // write, a keep-alive 15 s on: the end of a stream is checked with the GET stream's, below)
            try (AutoCloseable listen = StatelessRequests.stream(endpoint, "sub-1", "subscriptions/listen",
                    "{\"notifications\":{\"toolsListChanged\":true}}", "{}", received::add)) {
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                        value(scrape(), "mcp_gateway_streams_active", "kind=\"listen\"") == 1);
            }
            // the first request of a 2026-07-28 client form opens the pooled session its upstream sessions live under
            withPool = value(scrape(), "mcp_sessions_active");
            assertThat(withPool).isBetween(sessions + 2, sessions + 3);
            // the session ends: its stream ends with it, and the upstream stream held for it closes
            assertThat(a.send("DELETE", Map.of()).statusCode()).isEqualTo(200);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> value(scrape(), "mcp_gateway_streams_active", "kind=\"get\"") == 0);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> upstreamStreams() == upstream);
        }
        String s3 = scrape();
        assertThat(value(s3, "mcp_sessions_active")).isEqualTo(withPool - 1);
        assertThat(value(s3, "mcp_server_session_duration_seconds_count", "error_type=\"none\"",
                "mcp_protocol_version=\"2025-11-25\"")).isGreaterThanOrEqualTo(1);
        assertThat(b.send("DELETE", Map.of()).statusCode()).isEqualTo(200);
        assertThat(value(scrape(), "mcp_sessions_active")).isEqualTo(withPool - 2);
    }

    @Test
    void everyMetricTheDashboardQueriesIsServed() throws Exception {
        awaitReady();
        String endpoint = "http://127.0.0.1:" + port + "/mcp";
        // traffic that makes every lazily registered meter appear: a call, a list, a session that ends, a failure
        RawMcpClient client = new RawMcpClient(endpoint);
        client.initialize("2025-11-25");
        assertThat(client.request(2, "tools/call", "{\"name\":\"m_add\",\"arguments\":{\"a\":1,\"b\":2}}").toString()).contains("3");
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> client.request(3, "tools/list", null).toString().contains("d_ping"));
        mortal.close();
        assertThat(client.request(4, "tools/call", "{\"name\":\"d_ping\",\"arguments\":{}}").path("error").path("code").asInt())
                .isEqualTo(-32001);
        // the failed call re-probes it: not ready from now on, so that no list of the other test waits on it
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> value(scrape(), "mcp_server_ready", "server=\"mortal\"") == 0);
        assertThat(client.send("DELETE", Map.of()).statusCode()).isEqualTo(200);
        String scrape = scrape();

        JsonNode dashboard = RawMcpClient.JSON.readTree(Files.readString(DASHBOARD));
        List<String> exprs = new ArrayList<>();
        collectExprs(dashboard.path("panels"), exprs);
        assertThat(exprs).hasSizeGreaterThan(20);
        for (JsonNode v : dashboard.path("templating").path("list")) {
            String q = v.path("query").isObject() ? v.path("query").path("query").asText() : v.path("query").asText();
            Matcher m = Pattern.compile("label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)").matcher(q);
            if (m.find()) {
                exprs.add(m.group(1));
            }
        }
        assertThat(dashboard.path("templating").path("list").findValuesAsText("name")).contains("DS_PROMETHEUS", "server");

        Set<String> served = new LinkedHashSet<>();
        Set<String> typed = new LinkedHashSet<>();
        scrape.lines().forEach(l -> {
            if (l.startsWith("# TYPE ")) {
                typed.add(l.split(" ")[2]);
            } else if (!l.isBlank() && !l.startsWith("#")) {
                served.add(l.substring(0, l.indexOf('{') > 0 ? l.indexOf('{') : l.indexOf(' ')));
            }
        });
        Set<String> used = new LinkedHashSet<>();
        for (String expr : exprs) {
            for (String name : metricNames(expr)) {
                used.add(name);
                // a histogram's series are its _bucket, _count and _sum: the one named must be served, not just the meter
                String base = name.replaceAll("_(bucket|count|sum)$", "");
                assertThat(served.contains(name) || !base.equals(name) && typed.contains(base) && served.contains(base + "_count"))
                        .as("%s (in %s) is in the gateway's scrape", name, expr).isTrue();
            }
            Matcher sel = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\{([^}]*)}").matcher(expr);
            while (sel.find()) {
                String metric = sel.group(1);
                Matcher label = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)").matcher(sel.group(2));
                while (label.find()) {
                    String l = label.group(1);
                    assertThat(scrape.lines().anyMatch(s -> s.startsWith(metric + "{") && s.contains(l + "=\"")))
                            .as("%s has the label %s (in %s)", metric, l, expr).isTrue();
                }
            }
        }
        assertThat(used).as("the panels the dashboard promises").contains("mcp_client_operation_duration_seconds_count",
                "mcp_client_operation_duration_seconds_bucket", "mcp_client_connection_failures_total", "mcp_server_tools",
                "mcp_server_ready", "mcp_server_breaker_state", "mcp_sessions_active", "mcp_gateway_streams_active",
                "mcp_gateway_upstream_streams_active", "mcp_gateway_fanout_duration_seconds_bucket",
                "mcp_server_session_duration_seconds_bucket", "camel_exchanges_total", "jvm_memory_used_bytes",
                "jvm_threads_live_threads");
        assertThat(dashboard.findValues("datasource")).allSatisfy(ds ->
                assertThat(ds.path("uid").asText()).isEqualTo("${DS_PROMETHEUS}"));
    }

    private static void collectExprs(JsonNode panels, List<String> out) {
        for (JsonNode p : panels) {
            p.path("targets").forEach(t -> out.add(t.path("expr").asText()));
            collectExprs(p.path("panels"), out); // a collapsed row holds its panels
        }
    }

    private static final Set<String> PROMQL_WORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "and", "or", "unless", "bool", "offset", "inf", "nan");

    /** The metric names a PromQL expression reads: its identifiers that are neither functions, keywords nor labels. */
    static Set<String> metricNames(String expr) {
        String e = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"") // string literals
                .replaceAll("\\{[^}]*}", " ") // label matchers
                .replaceAll("\\[[^]]*]", " ") // ranges
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " "); // label lists
        Set<String> names = new LinkedHashSet<>();
        Matcher m = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*(\\s*\\()?").matcher(e);
        while (m.find()) {
            String word = m.group().replaceAll("[\\s(]", "");
            if (m.group(1) == null && !PROMQL_WORDS.contains(word.toLowerCase())) {
                names.add(word);
            }
        }
        return names;
    }

    private double upstreamStreams() throws Exception {
        return value(scrape(), "mcp_gateway_upstream_streams_active", "server=\"metered\"");
    }

    private void awaitReady() {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    }

    private String scrape() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/actuator/prometheus")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    /** The value of the one sample of {@code name} (with or without labels) whose labels include all of {@code labels}. */
    static double value(String text, String name, String... labels) {
        List<String> lines = text.lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .filter(l -> java.util.Arrays.stream(labels).allMatch(l::contains)).toList();
        if (lines.size() != 1) {
            throw new AssertionError(lines.size() + " samples of " + name + " with " + String.join(",", labels) + " in:\n"
                    + text.lines().filter(l -> l.startsWith(name)).reduce("", (a, b) -> a + b + "\n"));
        }
        String l = lines.get(0);
        return Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
    }
}
