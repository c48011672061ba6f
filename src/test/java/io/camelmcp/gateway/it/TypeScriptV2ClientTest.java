package io.camelmcp.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.camelmcp.gateway.support.ClientDriver;
import io.camelmcp.gateway.support.McpSchemas;

/**
 * The official TypeScript SDK v2 client (@modelcontextprotocol/client 2.4.0), pinned to 2026-07-28, through the
 * gateway to two 2025-11-25 server-everything upstreams: it connects (server/discover), lists, calls get-sum, gets
 * trigger-long-running-operation's progress on the call's own stream, completes trigger-elicitation-request through
 * MRTR (its elicitation handler answers the InputRequiredResult the gateway made of the upstream's request, and it
 * retries by itself), and opens a subscription. Every message on the wire is valid 2026-07-28.
 */
class TypeScriptV2ClientTest extends EverythingGatewayTest {

    @Test
    void aPinned2026ClientUsesBothRevisionsServersThroughTheGateway() throws Exception {
        JsonNode r = ClientDriver.run2026(endpoint(), "b_", Map.of());
        assertThat(r.path("ok").asBoolean()).as("driver: %s", r.deepCopy()).isTrue();
        assertThat(r.path("era").asText()).isEqualTo("modern");
        assertThat(r.path("protocolVersion").asText()).isEqualTo("2026-07-28");
        assertThat(r.path("server").asText()).isEqualTo("camel-mcp-gateway");
        assertThat(r.path("tools").toString()).contains("a_get-sum", "b_get-sum", "b_trigger-elicitation-request");
        assertThat(r.path("sum").asText()).contains("42");
        assertThat(r.path("progress").path("count").asInt()).isEqualTo(3);
        assertThat(r.path("progress").path("text").asText()).contains("completed");
        assertThat(r.path("elicit").path("asked").asInt()).isEqualTo(1);
        assertThat(r.path("elicit").path("text").asText()).contains("v2-answer");
        assertThat(r.path("listen").path("honored").path("toolsListChanged").asBoolean()).isTrue();

        List<JsonNode> wire = new ArrayList<>();
        r.path("wire").forEach(wire::add);
        assertThat(wire).hasSizeGreaterThan(10);
        assertThat(wire).noneMatch(m -> "initialize".equals(m.path("message").path("method").asText()));
        McpSchemas.assertValid(McpSchemas.V2026_07_28, wire);
    }
}
