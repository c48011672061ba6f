package io.camelmcp.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.camelmcp.gateway.support.HostileServer;
import io.camelmcp.gateway.support.RawMcpClient;
import io.camelmcp.gateway.support.ServerStatuses;

/**
 * Lists no client should get whole: a server listing 20,000 tools is served in pages; one whose list is larger than
 * the gateway takes from an upstream (32 MB) is not ready, saying why, while the others serve; tool names no client
 * can call (a space, empty, 300 characters) are skipped and reported, never served.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class HostileListsTest {

    static HostileServer many;
    static HostileServer huge;

    @LocalServerPort
    int port;

    @Autowired
    TestRestTemplate rest;

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) throws Exception {
        many = HostileServer.start();
        many.giantList(20_000, 20);
        huge = HostileServer.start();
        huge.giantList(40_000, 1_000); // about 40 MB of tools/list
        registry.add("mcp.gateway.demo.enabled", () -> "false");
        registry.add("mcp.gateway.servers[0].name", () -> "many");
        registry.add("mcp.gateway.servers[0].url", () -> many.url());
        registry.add("mcp.gateway.servers[0].prefix", () -> "m_");
        registry.add("mcp.gateway.servers[1].name", () -> "huge");
        registry.add("mcp.gateway.servers[1].url", () -> huge.url());
        registry.add("mcp.gateway.servers[1].prefix", () -> "h_");
    }

    @AfterAll
    static void stop() {
        many.close();
        huge.close();
    }

    @Test
    void aGiantListIsPagedAnOversizedOneIsRefusedAndUncallableNamesAreSkipped() throws Exception {
        JsonNode hugeStatus = await().atMost(Duration.ofSeconds(60)).until(() -> server("huge"),
                s -> s != null && "UpstreamUnreachable".equals(s.path("reason").asText()));
        assertThat(hugeStatus.path("message").asText()).as(hugeStatus.toString()).contains("larger than");
        JsonNode manyStatus = await().atMost(Duration.ofSeconds(60)).until(() -> server("many"),
                s -> s != null && s.path("ready").asBoolean());
        assertThat(manyStatus.path("tools").asInt()).isEqualTo(20_000 + HostileServer.TOOLS.length);
        assertThat(manyStatus.path("skippedTools").toString()).contains("has space");

        RawMcpClient c = new RawMcpClient("http://127.0.0.1:" + port + "/mcp");
        c.initialize("2025-11-25");
        List<String> names = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        long t0 = System.nanoTime();
        do {
            JsonNode page = c.request(10 + pages, "tools/list", cursor == null ? "{}" : "{\"cursor\":\"" + cursor + "\"}");
            page.path("result").path("tools").forEach(t -> names.add(t.path("name").asText()));
            cursor = page.path("result").path("nextCursor").isTextual() ? page.path("result").path("nextCursor").asText() : null;
            pages++;
        } while (cursor != null && pages < 100);
        System.out.printf("HostileListsTest: %d tools in %d pages in %d ms%n", names.size(), pages,
                (System.nanoTime() - t0) / 1_000_000);
        assertThat(names).hasSize(20_000 + HostileServer.TOOLS.length).contains("m_t19999", "m_ok")
                .doesNotContain("m_has space", "m_").noneMatch(n -> n.startsWith("h_"));
        assertThat(pages).isGreaterThan(1);
        assertThat(c.request(200, "tools/call", "{\"name\":\"m_ok\",\"arguments\":{}}").toString()).contains("fine");
    }

    private JsonNode server(String name) throws Exception {
        return ServerStatuses.find(rest, name);
    }
}
