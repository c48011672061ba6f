package io.camelmcp.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.camelmcp.gateway.support.Peers;
import io.camelmcp.gateway.support.StatelessRequests;

/**
 * 2026-07-28 (stateless) clients with security on: every request authenticates itself (there is no session), and what
 * the gateway keeps for a client across requests — the pooled upstream sessions, a call waiting for input — belongs
 * to its identity: another identity cannot resume it with the requestState.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class StatelessSecurityTest {

    static final String ALICE = "alice-key-0123456789abcdef";
    static final String BOB = "bob-key-0123456789abcdef";
    static final String CAPS = "{\"elicitation\":{\"form\":{}}}";
    static final String CALL = "{\"name\":\"b_trigger-elicitation-request\",\"arguments\":{}}";

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry registry) {
        registry.add("mcp.gateway.demo.enabled", () -> "false");
        registry.add("mcp.gateway.servers[0].name", () -> "everything-b");
        registry.add("mcp.gateway.servers[0].url", () -> Peers.everythingB().url());
        registry.add("mcp.gateway.servers[0].prefix", () -> "b_");
        registry.add("mcp.gateway.security.api-keys[0].name", () -> "alice");
        registry.add("mcp.gateway.security.api-keys[0].key", () -> ALICE);
        registry.add("mcp.gateway.security.api-keys[1].name", () -> "bob");
        registry.add("mcp.gateway.security.api-keys[1].key", () -> BOB);
    }

    HttpResponse<String> post(String key, Object id, String method, String params) throws Exception {
        return StatelessRequests.post("http://127.0.0.1:" + port + "/mcp", id, method, params, CAPS,
                key == null ? Map.of() : Map.of("X-API-Key", key));
    }

    @Test
    void everyRequestAuthenticatesItself() throws Exception {
        HttpResponse<String> anonymous = post(null, 1, "server/discover", null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("www-authenticate").orElseThrow()).startsWith("Bearer resource_metadata=");
        HttpResponse<String> alice = post(ALICE, 2, "tools/list", null);
        assertThat(alice.statusCode()).isEqualTo(200);
        assertThat(StatelessRequests.last(alice).path("result").path("tools").toString()).contains("b_get-sum");
    }

    @Test
    void aCallWaitingForInputIsResumedByItsOwnIdentityOnly() throws Exception {
        JsonNode ir = StatelessRequests.last(post(ALICE, 10, "tools/call", CALL)).path("result");
        assertThat(ir.path("resultType").asText()).as("%s", ir).isEqualTo("input_required");
        String key = ir.path("inputRequests").fieldNames().next();
        String state = ir.path("requestState").asText();
        String answer = "{\"" + key + "\":{\"action\":\"accept\",\"content\":{\"name\":\"Ada\",\"check\":true,"
                + "\"email\":\"ada@example.com\",\"integer\":7}}}";

        // bob holds alice's requestState (it leaked): the state is the gateway's, sealed for alice's pool
        HttpResponse<String> stolen = post(BOB, 11, "tools/call", StatelessRequests.retry(CALL, state, answer));
        assertThat(stolen.statusCode()).isEqualTo(400);
        JsonNode error = StatelessRequests.last(stolen).path("error");
        assertThat(error.path("code").asInt()).isEqualTo(-32602);
        assertThat(error.path("message").asText()).contains("belongs to another request");

        JsonNode done = StatelessRequests.last(post(ALICE, 12, "tools/call", StatelessRequests.retry(CALL, state, answer)));
        assertThat(done.path("result").path("resultType").asText()).as("%s", done).isEqualTo("complete");
        assertThat(done.path("result").path("content").toString()).contains("Ada");
    }
}
