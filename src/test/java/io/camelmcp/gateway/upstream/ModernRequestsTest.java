package io.camelmcp.gateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The per-request pieces of a 2026-07-28 request, against the examples of the spec (streamable-http.mdx, Value Encoding). */
class ModernRequestsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void headerValuesAreEncodedAsTheSpecsTableShows() {
        assertThat(ModernRequests.headerValue("us-west1")).isEqualTo("us-west1");
        assertThat(ModernRequests.headerValue("get_weather")).isEqualTo("get_weather");
        assertThat(ModernRequests.headerValue("file:///projects/my app/config.json")).isEqualTo("file:///projects/my app/config.json");
        assertThat(ModernRequests.headerValue("Hello, 世界")).isEqualTo("=?base64?SGVsbG8sIOS4lueVjA==?=");
        assertThat(ModernRequests.headerValue(" padded ")).isEqualTo("=?base64?IHBhZGRlZCA=?=");
        assertThat(ModernRequests.headerValue("line1\nline2")).isEqualTo("=?base64?bGluZTEKbGluZTI=?=");
        assertThat(ModernRequests.headerValue("=?base64?literal?=")).isEqualTo("=?base64?PT9iYXNlNjQ/bGl0ZXJhbD89?=");
    }

    @Test
    void mcpNameIsTheToolOrPromptNameOrTheResourceUri() throws Exception {
        assertThat(ModernRequests.name("tools/call", JSON.readTree("{\"name\":\"add\"}"))).isEqualTo("add");
        assertThat(ModernRequests.name("prompts/get", JSON.readTree("{\"name\":\"greet\"}"))).isEqualTo("greet");
        assertThat(ModernRequests.name("resources/read", JSON.readTree("{\"uri\":\"demo://greeting\"}"))).isEqualTo("demo://greeting");
        assertThat(ModernRequests.name("tools/list", JSON.readTree("{}"))).isNull();
        assertThat(ModernRequests.name("tools/call", JSON.readTree("{\"name\":{\"x\":1}}"))).isNull();
    }

    @Test
    void theEnvelopeJoinsTheRequestsOwnMeta() throws Exception {
        ObjectNode req = (ObjectNode) JSON.readTree("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"add\",\"_meta\":{\"progressToken\":\"gw-pt-1\",\"io.modelcontextprotocol/logLevel\":\"x\"}}}");
        ModernRequests.envelope(req, JSON.readTree("{\"elicitation\":{\"form\":{}}}"),
                JSON.readTree("{\"name\":\"c\",\"version\":\"1\"}"), null);
        JsonNode meta = req.path("params").path("_meta");
        assertThat(meta.path("progressToken").asText()).isEqualTo("gw-pt-1");
        assertThat(meta.path("io.modelcontextprotocol/protocolVersion").asText()).isEqualTo("2026-07-28");
        assertThat(meta.path("io.modelcontextprotocol/clientInfo").path("name").asText()).isEqualTo("c");
        assertThat(meta.path("io.modelcontextprotocol/clientCapabilities").has("elicitation")).isTrue();
        assertThat(meta.path("io.modelcontextprotocol/logLevel").asText()).isEqualTo("x"); // a 2026 client's own stays

        ObjectNode bare = (ObjectNode) JSON.readTree("{\"jsonrpc\":\"2.0\",\"id\":\"d\",\"method\":\"server/discover\"}");
        ModernRequests.envelope(bare, JSON.createObjectNode(), null, "debug");
        assertThat(bare.path("params").path("_meta").path("io.modelcontextprotocol/clientCapabilities").isObject()).isTrue();
        assertThat(bare.path("params").path("_meta").path("io.modelcontextprotocol/logLevel").asText()).isEqualTo("debug");
    }

    @Test
    void resultsLoseWhatA2025ClientDoesNotKnow() throws Exception {
        JsonNode r = JSON.readTree("{\"tools\":[],\"resultType\":\"complete\",\"ttlMs\":0,\"cacheScope\":\"private\",\"_meta\":{}}");
        ModernRequests.strip(r);
        assertThat(r.toString()).isEqualTo("{\"tools\":[],\"_meta\":{}}");
        assertThat(ModernRequests.inputRequired(JSON.readTree("{\"resultType\":\"input_required\"}"))).isTrue();
        assertThat(ModernRequests.inputRequired(JSON.readTree("{\"content\":[]}"))).isFalse();
    }

    @Test
    void anUnsupportedVersionErrorNamesWhatTheServerSpeaks() throws Exception {
        assertThat(ModernRequests.supportsModern(JSON.readTree(
                "{\"code\":-32022,\"message\":\"Unsupported protocol version: 2025-11-25\",\"data\":{\"supported\":[\"2026-07-28\"]}}")))
                .isTrue();
        assertThat(ModernRequests.supportsModern(JSON.readTree("{\"code\":-32022,\"data\":{\"supported\":[\"2027-01-01\"]}}"))).isFalse();
        assertThat(ModernRequests.supportsModern(JSON.readTree("{\"code\":-32000,\"message\":\"Bad Request\"}"))).isFalse();
    }
}
