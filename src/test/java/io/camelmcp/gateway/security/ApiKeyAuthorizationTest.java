package io.camelmcp.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.camelmcp.gateway.support.FixtureServer;
import io.camelmcp.gateway.support.RawMcpClient;
import io.camelmcp.gateway.support.StatelessRequests;

/**
 * Authentication and authorization together, as an operator sets them up: two API keys with different scopes
 * (mcp.gateway.security.api-keys, sent as X-API-Key) and rules by scope. Each key lists only its tools and is refused
 * the others with -32003, in a 2025 session and in 2026-07-28 stateless requests.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ApiKeyAuthorizationTest {

    static final String READER = "reader-key-0123456789abcdef";
    static final String WRITER = "writer-key-0123456789abcdef";
    static FixtureServer files;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry registry) throws Exception {
        FixtureServer.Builder b = FixtureServer.builder("files");
        for (String t : List.of("read", "list", "write", "delete")) {
            b.tool(t, args -> "files:" + t);
        }
        files = b.start();
        registry.add("mcp.gateway.demo.enabled", () -> "false");
        registry.add("mcp.gateway.servers[0].name", () -> "files");
        registry.add("mcp.gateway.servers[0].url", files::url);
        registry.add("mcp.gateway.servers[0].prefix", () -> "fs_");
        registry.add("mcp.gateway.security.api-keys[0].name", () -> "reader");
        registry.add("mcp.gateway.security.api-keys[0].key", () -> READER);
        registry.add("mcp.gateway.security.api-keys[0].scopes", () -> "mcp:read");
        registry.add("mcp.gateway.security.api-keys[1].name", () -> "writer");
        registry.add("mcp.gateway.security.api-keys[1].key", () -> WRITER);
        registry.add("mcp.gateway.security.api-keys[1].scopes", () -> "mcp:read,mcp:write");
        String r = "mcp.gateway.security.authorization.rules";
        registry.add(r + "[0].name", () -> "readers");
        registry.add(r + "[0].scopes", () -> "mcp:read");
        registry.add(r + "[0].tools", () -> "fs_read,fs_list");
        registry.add(r + "[1].name", () -> "writers");
        registry.add(r + "[1].scopes", () -> "mcp:write");
        registry.add(r + "[1].servers", () -> "files");
        registry.add(r + "[2].name", () -> "no-delete");
        registry.add(r + "[2].effect", () -> "deny");
        registry.add(r + "[2].tools", () -> "*_delete");
    }

    @AfterAll
    static void stop() {
        files.close();
    }

    String endpoint() {
        return "http://127.0.0.1:" + port + "/mcp";
    }

    RawMcpClient session(String key) throws Exception {
        RawMcpClient c = new RawMcpClient(endpoint()).with("X-API-Key", key);
        c.initialize("2025-11-25");
        return c;
    }

    static List<String> names(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.path("result").path("tools").forEach(t -> out.add(t.path("name").asText()));
        return out;
    }

    @Test
    void eachKeyListsOnlyItsTools() throws Exception {
        assertThat(names(session(READER).request(2, "tools/list", "{}"))).containsExactly("fs_list", "fs_read");
        assertThat(names(session(WRITER).request(2, "tools/list", "{}"))).containsExactly("fs_list", "fs_read", "fs_write");
    }

    @Test
    void eachKeyIsRefusedTheOthers() throws Exception {
        RawMcpClient reader = session(READER);
        assertThat(reader.request(3, "tools/call", "{\"name\":\"fs_read\",\"arguments\":{}}")
                .path("result").path("content").path(0).path("text").asText()).isEqualTo("files:read");
        JsonNode denied = reader.request(4, "tools/call", "{\"name\":\"fs_write\",\"arguments\":{}}").path("error");
        assertThat(denied.path("code").asInt()).isEqualTo(-32003);
        assertThat(denied.path("data")).isEqualTo(RawMcpClient.JSON.valueToTree(Map.of("tool", "fs_write", "default", "deny")));
        RawMcpClient writer = session(WRITER);
        assertThat(writer.request(5, "tools/call", "{\"name\":\"fs_write\",\"arguments\":{}}")
                .path("result").path("content").path(0).path("text").asText()).isEqualTo("files:write");
        JsonNode never = writer.request(6, "tools/call", "{\"name\":\"fs_delete\",\"arguments\":{}}").path("error");
        assertThat(never.path("code").asInt()).isEqualTo(-32003);
        assertThat(never.path("data").path("rule").asText()).isEqualTo("no-delete");
    }

    @Test
    void statelessRequestsAreAuthorizedTheSame() throws Exception {
        Map<String, String> reader = Map.of("X-API-Key", READER);
        assertThat(names(StatelessRequests.last(StatelessRequests.post(endpoint(), 1, "tools/list", "{}", "{}", reader))))
                .containsExactly("fs_list", "fs_read");
        JsonNode denied = StatelessRequests.last(StatelessRequests.post(endpoint(), 2, "tools/call",
                "{\"name\":\"fs_write\",\"arguments\":{}}", "{}", reader));
        assertThat(denied.path("error").path("code").asInt()).isEqualTo(-32003);
        Map<String, String> writer = Map.of("X-API-Key", WRITER);
        assertThat(StatelessRequests.last(StatelessRequests.post(endpoint(), 3, "tools/call",
                "{\"name\":\"fs_write\",\"arguments\":{}}", "{}", writer)).path("result").path("content").path(0).path("text").asText())
                .isEqualTo("files:write");
    }
}
