package io.camelmcp.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.camelmcp.gateway.support.FixtureServer;
import io.camelmcp.gateway.support.Peers;
import io.camelmcp.gateway.support.RawMcpClient;
import io.camelmcp.gateway.support.StatelessRequests;
import io.camelmcp.gateway.support.TestIdentities;

/**
 * Per-tool authorization end to end: rules from configuration, callers with different identities (as the security
 * filter would leave them, see {@link TestIdentities}), two fixture servers and server-everything behind the gateway.
 * Lists show each caller only what it may use, page by page with working cursors; calls outside it get -32003 naming
 * the rule; 2025 sessions and 2026-07-28 stateless requests alike.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(TestIdentities.Config.class)
class AuthorizationTest {

    static final String STATIC = "mcp-gateway://everything/demo://resource/static/";
    static final String READER = "reader;mcp:read";
    static final String ADMIN = "admin";
    static FixtureServer alpha;
    static FixtureServer beta;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void gateway(DynamicPropertyRegistry registry) throws Exception {
        alpha = fixture("alpha", "read", "read_all", "write", "delete");
        beta = fixture("beta", "one", "two", "three", "four", "five");
        registry.add("mcp.gateway.demo.enabled", () -> "false");
        registry.add("mcp.gateway.servers[0].name", () -> "alpha");
        registry.add("mcp.gateway.servers[0].url", alpha::url);
        registry.add("mcp.gateway.servers[0].prefix", () -> "a_");
        registry.add("mcp.gateway.servers[1].name", () -> "beta");
        registry.add("mcp.gateway.servers[1].url", beta::url);
        registry.add("mcp.gateway.servers[1].prefix", () -> "b_");
        registry.add("mcp.gateway.servers[2].name", () -> "everything");
        registry.add("mcp.gateway.servers[2].url", () -> Peers.everythingA().url());
        registry.add("mcp.gateway.servers[2].prefix", () -> "e_");
        registry.add("mcp.gateway.catalog.page-size", () -> "3"); // pages and cursors must count only what is shown
        String r = "mcp.gateway.security.authorization.rules";
        registry.add(r + "[0].name", () -> "readers");
        registry.add(r + "[0].effect", () -> "allow");
        registry.add(r + "[0].scopes", () -> "mcp:read");
        registry.add(r + "[0].tools", () -> "a_read*,b_*");
        registry.add(r + "[0].prompts", () -> "e_simple-prompt");
        registry.add(r + "[0].resources", () -> STATIC + "*");
        registry.add(r + "[1].name", () -> "admins");
        registry.add(r + "[1].effect", () -> "allow");
        registry.add(r + "[1].identities", () -> "admin");
        registry.add(r + "[2].name", () -> "no-delete");
        registry.add(r + "[2].effect", () -> "deny");
        registry.add(r + "[2].tools", () -> "*_delete");
    }

    static FixtureServer fixture(String name, String... tools) throws Exception {
        FixtureServer.Builder b = FixtureServer.builder(name).recordingBodies();
        for (String t : tools) {
            b.tool(t, args -> name + ":" + t);
        }
        return b.start();
    }

    @AfterAll
    static void stop() {
        alpha.close();
        beta.close();
    }

    RawMcpClient session(String identity) throws Exception {
        RawMcpClient c = new RawMcpClient("http://127.0.0.1:" + port + "/mcp");
        if (identity != null) {
            c.with(TestIdentities.HEADER, identity);
        }
        c.initialize("2025-11-25");
        return c;
    }

    /** Every page of a list, following nextCursor; checks each page's size on the way. */
    static List<String> all(RawMcpClient c, String method, String field, String key) throws Exception {
        List<String> out = new ArrayList<>();
        String cursor = null;
        for (int page = 0; page < 50; page++) {
            JsonNode result = c.request(100 + page, method, cursor == null ? "{}" : "{\"cursor\":\"" + cursor + "\"}").path("result");
            assertThat(result.path(field).size()).isLessThanOrEqualTo(3);
            result.path(field).forEach(i -> out.add(i.path(key).asText()));
            if (!result.hasNonNull("nextCursor")) {
                return out;
            }
            assertThat(result.path(field).size()).isEqualTo(3); // a full page before every next one
            cursor = result.path("nextCursor").asText();
        }
        throw new AssertionError("no end of " + method);
    }

    @Test
    void listsShowOnlyWhatTheCallerMayUsePageByPage() throws Exception {
        assertThat(all(session(READER), "tools/list", "tools", "name"))
                .containsExactly("a_read", "a_read_all", "b_five", "b_four", "b_one", "b_three", "b_two");
        List<String> admin = all(session(ADMIN), "tools/list", "tools", "name");
        assertThat(admin).contains("a_read", "a_write", "b_one", "e_echo").doesNotContain("a_delete");
        // the same shared cache, another caller's view: nothing of the admin's leaks to the reader or back
        assertThat(all(session(READER), "tools/list", "tools", "name")).hasSize(7);
        // anonymous: allow rules exist, none applies, the default is deny
        assertThat(session(null).request(1, "tools/list", "{}").path("result").path("tools").size()).isZero();
    }

    @Test
    void callsOutsideTheCallersViewAreNotPermitted() throws Exception {
        RawMcpClient reader = session(READER);
        assertThat(reader.request(2, "tools/call", "{\"name\":\"a_read\",\"arguments\":{}}")
                .path("result").path("content").path(0).path("text").asText()).isEqualTo("alpha:read");
        JsonNode denied = reader.request(3, "tools/call", "{\"name\":\"a_write\",\"arguments\":{}}");
        assertThat(denied.path("error").path("code").asInt()).isEqualTo(-32003);
        assertThat(denied.path("error").path("message").asText()).isEqualTo("Not permitted: tool a_write");
        assertThat(denied.path("error").path("data")).isEqualTo(RawMcpClient.JSON.valueToTree(Map.of("tool", "a_write", "default", "deny")));
        JsonNode ruled = session(ADMIN).request(4, "tools/call", "{\"name\":\"a_delete\",\"arguments\":{}}");
        assertThat(ruled.path("error").path("code").asInt()).isEqualTo(-32003);
        assertThat(ruled.path("error").path("data").path("rule").asText()).isEqualTo("no-delete");
        // what nobody serves stays unknown, permitted or not
        assertThat(reader.request(5, "tools/call", "{\"name\":\"zz_none\",\"arguments\":{}}").path("error").path("code").asInt())
                .isEqualTo(-32602);
        // the upstream never saw the denied calls
        assertThat(alpha.received().stream().filter(r -> "tools/call".equals(r.method()))
                .map(r -> r.body().path("params").path("name").asText()).distinct()).containsExactly("read");
    }

    @Test
    void promptsResourcesAndCompletionsFollowTheSameRules() throws Exception {
        RawMcpClient reader = session(READER);
        assertThat(all(reader, "prompts/list", "prompts", "name")).containsExactly("e_simple-prompt");
        assertThat(reader.request(6, "prompts/get", "{\"name\":\"e_simple-prompt\"}").path("result").path("messages").size()).isPositive();
        assertThat(reader.request(7, "prompts/get", "{\"name\":\"e_args-prompt\",\"arguments\":{\"city\":\"Paris\"}}")
                .path("error").path("code").asInt()).isEqualTo(-32003);
        List<String> resources = all(reader, "resources/list", "resources", "uri");
        assertThat(resources).isNotEmpty().allMatch(u -> u.startsWith(STATIC));
        assertThat(all(reader, "resources/templates/list", "resourceTemplates", "uriTemplate")).isEmpty();
        assertThat(reader.request(8, "resources/read", "{\"uri\":\"" + resources.getFirst() + "\"}")
                .path("result").path("contents").size()).isPositive();
        JsonNode dynamic = reader.request(9, "resources/read", "{\"uri\":\"mcp-gateway://everything/demo://resource/dynamic/text/1\"}");
        assertThat(dynamic.path("error").path("code").asInt()).isEqualTo(-32003);
        assertThat(dynamic.path("error").path("data").path("uri").asText()).isEqualTo("mcp-gateway://everything/demo://resource/dynamic/text/1");
        assertThat(reader.request(10, "completion/complete",
                "{\"ref\":{\"type\":\"ref/prompt\",\"name\":\"e_completable-prompt\"},\"argument\":{\"name\":\"department\",\"value\":\"E\"}}")
                .path("error").path("code").asInt()).isEqualTo(-32003);
        // the admin gets all of it
        RawMcpClient admin = session(ADMIN);
        assertThat(all(admin, "prompts/list", "prompts", "name")).contains("e_args-prompt", "e_simple-prompt");
        assertThat(all(admin, "resources/templates/list", "resourceTemplates", "uriTemplate")).isNotEmpty();
    }

    @Test
    void statelessClientsGetTheSame() throws Exception {
        String endpoint = "http://127.0.0.1:" + port + "/mcp";
        Map<String, String> reader = Map.of(TestIdentities.HEADER, READER);
        JsonNode list = StatelessRequests.last(StatelessRequests.post(endpoint, 1, "tools/list", "{}", "{}", reader));
        List<String> names = new ArrayList<>();
        list.path("result").path("tools").forEach(t -> names.add(t.path("name").asText()));
        assertThat(names).containsExactly("a_read", "a_read_all", "b_five");
        assertThat(list.path("result").path("cacheScope").asText()).isEqualTo("private"); // never shared between callers
        JsonNode denied = StatelessRequests.last(StatelessRequests.post(endpoint, 2, "tools/call",
                "{\"name\":\"a_write\",\"arguments\":{}}", "{}", reader));
        assertThat(denied.path("error").path("code").asInt()).isEqualTo(-32003);
        assertThat(denied.path("error").path("message").asText()).isEqualTo("Not permitted: tool a_write");
    }
}
