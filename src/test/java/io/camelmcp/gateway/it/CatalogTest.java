package io.camelmcp.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.camelmcp.gateway.support.CuttableProxy;
import io.camelmcp.gateway.support.FixtureServer;
import io.camelmcp.gateway.support.RawMcpClient;
import io.camelmcp.gateway.support.ServerEverything;

/**
 * The catalogue: complete lists across upstream pages, the gateway's own cursors, conflicts, filters,
 * serving from cache, and refreshing on list_changed.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class CatalogTest {

    static ServerEverything paged;
    static FixtureServer shortPrefix;
    static FixtureServer longPrefix;
    static FixtureServer flaky;
    static CuttableProxy flakyLink;
    static FixtureServer filtered;
    static FixtureServer growing;

    @LocalServerPort
    int port;

    RawMcpClient c;

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) throws Exception {
        paged = ServerEverything.paged(1000, 120, 50); // TypeScript SDK server paging 50 at a time
        shortPrefix = FixtureServer.builder("shortp").tool("y_z", a -> "short y_z").tool("other", a -> "other").start();
        longPrefix = FixtureServer.builder("longp").tool("z", a -> "long z").start();
        flaky = FixtureServer.builder("flaky").tool("hello", a -> "hello").start();
        flakyLink = new CuttableProxy(flaky.port());
        filtered = FixtureServer.builder("filtered").tool("get-a", a -> "a").tool("get-b", a -> "b")
                .tool("set-a", a -> "set a").tool("set-b", a -> "set b").tool("delete-all", a -> "boom").start();
        growing = FixtureServer.builder("growing").tool("first", a -> "first").start();

        registry.add("mcp.gateway.demo.enabled", () -> "false");
        registry.add("mcp.gateway.catalog.page-size", () -> "50");
        String[][] servers = {
            {"paged", "http://127.0.0.1:" + paged.port() + "/mcp", "p_"},
            {"shortp", shortPrefix.url(), "x_"}, {"longp", longPrefix.url(), "x_y_"},
            {"flaky", "http://127.0.0.1:" + flakyLink.port() + "/mcp", "f_"},
            {"filtered", filtered.url(), "flt_"}, {"growing", growing.url(), "g_"}};
        for (int i = 0; i < servers.length; i++) {
            String[] s = servers[i];
            registry.add("mcp.gateway.servers[" + i + "].name", () -> s[0]);
            registry.add("mcp.gateway.servers[" + i + "].url", () -> s[1]);
            registry.add("mcp.gateway.servers[" + i + "].prefix", () -> s[2]);
        }
        registry.add("mcp.gateway.servers[4].tools.include[0]", () -> "get-*");
        registry.add("mcp.gateway.servers[4].tools.include[1]", () -> "set-*");
        registry.add("mcp.gateway.servers[4].tools.exclude[0]", () -> "set-a");
    }

    @AfterAll
    static void stop() throws Exception {
        paged.close();
        flakyLink.close();
        for (FixtureServer f : new FixtureServer[] {shortPrefix, longPrefix, flaky, filtered, growing}) {
            f.close();
        }
    }

    @BeforeEach
    void session() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/actuator/health/readiness").statusCode() == 200);
        c = new RawMcpClient("http://127.0.0.1:" + port + "/mcp");
        c.initialize("2025-11-25");
    }

    @Test
    void aThousandToolsPagedByTheUpstreamListCompletelyAndTheGatewaysCursorsRoundTrip() throws Exception {
        List<String> all = new ArrayList<>();
        int pages = 0;
        String cursor = null;
        do {
            JsonNode result = c.request(100 + pages, "tools/list", cursor == null ? null : "{\"cursor\":\"" + cursor + "\"}").path("result");
            assertThat(result.path("tools").size()).isLessThanOrEqualTo(50);
            result.path("tools").forEach(t -> all.add(t.path("name").asText()));
            cursor = result.path("nextCursor").isTextual() ? result.path("nextCursor").asText() : null;
            pages++;
        } while (cursor != null && pages < 100);

        Set<String> unique = new LinkedHashSet<>(all);
        assertThat(unique).hasSameSizeAs(all);
        List<String> pagedTools = all.stream().filter(n -> n.startsWith("p_")).toList();
        assertThat(pagedTools).hasSize(1000).startsWith("p_tool-0000").endsWith("p_tool-0999");
        assertThat(pages).isEqualTo((all.size() + 49) / 50);
        // by server name, then tool name
        assertThat(all.indexOf("flt_get-a")).isLessThan(all.indexOf("g_first"));
        assertThat(all.indexOf("g_first")).isLessThan(all.indexOf("p_tool-0000"));

        List<String> prompts = new ArrayList<>();
        cursor = null;
        do {
            JsonNode result = c.request(300, "prompts/list", cursor == null ? null : "{\"cursor\":\"" + cursor + "\"}").path("result");
            result.path("prompts").forEach(p -> prompts.add(p.path("name").asText()));
            cursor = result.path("nextCursor").isTextual() ? result.path("nextCursor").asText() : null;
        } while (cursor != null);
        assertThat(prompts).hasSize(120).allMatch(p -> p.startsWith("p_prompt-"));

        JsonNode called = c.request(301, "tools/call", "{\"name\":\"p_tool-0042\",\"arguments\":{\"n\":7}}");
        assertThat(called.path("result").path("content").get(0).path("text").asText()).isEqualTo("tool-0042: 7");
    }

    @Test
    void aCursorTheGatewayDidNotHandOutIsInvalidParams() throws Exception {
        String notAnArray = Base64.getUrlEncoder().encodeToString("{\"x\":1}".getBytes(StandardCharsets.UTF_8));
        for (String cursor : List.of("garbage!!", notAnArray, "")) {
            JsonNode r = c.request(7, "tools/list", "{\"cursor\":\"" + cursor + "\"}");
            assertThat(r.path("error").path("code").asInt()).as(cursor).isEqualTo(-32602);
        }
        assertThat(c.request(8, "resources/list", "{\"cursor\":42}").path("error").path("code").asInt()).isEqualTo(-32602);
    }

    @Test
    void aConflictingNameBelongsToTheLongerPrefixAndIsReported() throws Exception {
        List<String> names = allTools();
        assertThat(names.stream().filter(n -> n.equals("x_y_z")).count()).isEqualTo(1);
        assertThat(names).contains("x_other");
        JsonNode r = c.request(9, "tools/call", "{\"name\":\"x_y_z\",\"arguments\":{}}");
        assertThat(r.path("result").path("content").get(0).path("text").asText()).isEqualTo("long z");

        JsonNode shortp = server("shortp");
        assertThat(shortp.path("conflicts").toString()).contains("y_z").contains("longp");
        assertThat(shortp.path("tools").asInt()).isEqualTo(1);
        assertThat(shortp.path("message").asText()).contains("conflict");
    }

    @Test
    void filtersExposeOnlyTheSelectedTools() throws Exception {
        List<String> names = allTools().stream().filter(n -> n.startsWith("flt_")).toList();
        assertThat(names).containsExactly("flt_get-a", "flt_get-b", "flt_set-b");
        assertThat(c.request(10, "tools/call", "{\"name\":\"flt_delete-all\",\"arguments\":{}}").path("error").path("code").asInt())
                .isEqualTo(-32602);
        assertThat(c.request(11, "tools/call", "{\"name\":\"flt_set-a\",\"arguments\":{}}").path("error").path("code").asInt())
                .isEqualTo(-32602);
        assertThat(c.request(12, "tools/call", "{\"name\":\"flt_set-b\",\"arguments\":{}}").path("result").path("content").get(0)
                .path("text").asText()).isEqualTo("set b");
        assertThat(server("filtered").path("filteredTools").toString()).contains("delete-all").contains("set-a");
    }

    @Test
    void aCachedListIsServedWithoutTouchingTheUpstreamAndWhileItIsStopped() throws Exception {
        assertThat(allTools()).contains("f_hello");
        int before = flakyLink.accepted();
        for (int i = 0; i < 3; i++) {
            assertThat(allTools()).contains("f_hello");
        }
        assertThat(flakyLink.accepted()).as("connections to the upstream during cached lists").isEqualTo(before);

        flakyLink.cut();
        assertThat(allTools()).contains("f_hello", "x_other");
    }

    @Test
    void aListChangedAnnouncementRefreshesTheCatalogueAndClientsAreToldOnce() throws Exception {
        assertThat(allTools()).contains("g_first").doesNotContain("g_second");
        java.util.concurrent.CopyOnWriteArrayList<String> announced = new java.util.concurrent.CopyOnWriteArrayList<>();
        AutoCloseable stream = c.listen(m -> announced.add(m.path("method").asText()));
        growing.addTool("second", a -> "second");
        await().atMost(Duration.ofSeconds(10)).until(() -> announced.contains("notifications/tools/list_changed"));
        Thread.sleep(1500);
        assertThat(announced.stream().filter("notifications/tools/list_changed"::equals).count()).isEqualTo(1);
        stream.close();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(allTools()).contains("g_first", "g_second"));
        assertThat(c.request(13, "tools/call", "{\"name\":\"g_second\",\"arguments\":{}}").path("result").path("content").get(0)
                .path("text").asText()).isEqualTo("second");
    }

    private List<String> allTools() throws Exception {
        List<String> names = new ArrayList<>();
        String cursor = null;
        int id = 1000;
        do {
            JsonNode result = c.request(id++, "tools/list", cursor == null ? null : "{\"cursor\":\"" + cursor + "\"}").path("result");
            result.path("tools").forEach(t -> names.add(t.path("name").asText()));
            cursor = result.path("nextCursor").isTextual() ? result.path("nextCursor").asText() : null;
        } while (cursor != null);
        return names;
    }

    private JsonNode server(String name) throws Exception {
        for (JsonNode s : RawMcpClient.JSON.readTree(get("/actuator/mcpservers").body()).path("servers")) {
            if (s.path("name").asText().equals(name)) {
                return s;
            }
        }
        throw new AssertionError("no server " + name);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
