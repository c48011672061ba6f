package io.camelmcp.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.camelmcp.gateway.support.McpSchemas;
import io.camelmcp.gateway.support.RecordingHttpProxy;
import io.modelcontextprotocol.modern.McpSchema.CallToolResult;
import io.modelcontextprotocol.modern.McpSchema.DiscoverResult;
import io.modelcontextprotocol.modern.McpSchema.ElicitResult;
import io.modelcontextprotocol.modern.McpSchema.Implementation;
import io.modelcontextprotocol.modern.McpSchema.TextContent;
import io.modelcontextprotocol.modern.client.McpClient;
import io.modelcontextprotocol.modern.client.McpSyncClient;
import io.modelcontextprotocol.modern.client.transport.HttpClientMcpTransport;

/**
 * The official MCP Java SDK 2.2.0's 2026-07-28 client ({@code io.modelcontextprotocol.modern}) through the gateway to
 * two 2025 server-everything upstreams: discover, list, a call, progress, and an elicitation the gateway turned into
 * an InputRequiredResult, which the SDK answers with its form handler and retries by itself; every message on the
 * wire is valid for the 2026-07-28 schema.
 */
class JavaSdkModernClientTest extends EverythingGatewayTest {

    private McpSyncClient client(String url, List<String> asked) {
        return McpClient.sync(HttpClientMcpTransport.builder(url).build())
                .clientInfo(Implementation.builder("java-sdk-modern", "2.2.0").build())
                .roundTimeout(Duration.ofSeconds(20))
                .formElicitation(request -> {
                    asked.add(request.message());
                    return ElicitResult.accept(Map.of("name", "java-modern-answer", "check", true,
                            "email", "ada@example.com", "integer", 7));
                })
                .build();
    }

    private static String text(CallToolResult r) {
        return r.content().stream().filter(c -> c instanceof TextContent).map(c -> ((TextContent) c).text())
                .collect(Collectors.joining("\n"));
    }

    @Test
    void theJavaSdksStatelessClientUsesSessionServersThroughTheGateway() throws Exception {
        List<String> asked = new CopyOnWriteArrayList<>();
        try (RecordingHttpProxy wire = new RecordingHttpProxy(endpoint())) {
            converse(client(wire.url(), asked), asked);
            // every message both ways, against the 2026-07-28 schema
            assertThat(wire.unreadable()).isEmpty();
            assertThat(wire.messages()).hasSizeGreaterThan(10);
            McpSchemas.assertValid(McpSchemas.V2026_07_28, wire.messages());
        }
    }

    private void converse(McpSyncClient c, List<String> asked) {
        DiscoverResult discover = c.discover();
        assertThat(discover.supportedVersions()).contains("2026-07-28", "2025-11-25");

        assertThat(c.listTools().list().tools()).extracting(t -> t.name()).contains("a_get-sum", "b_trigger-elicitation-request");

        assertThat(text(c.tool("a_get-sum").arguments(Map.of("a", 2, "b", 40)).call())).contains("42");

        List<Object> progress = new CopyOnWriteArrayList<>();
        CallToolResult slow = c.tool("a_trigger-long-running-operation").arguments(Map.of("duration", 1, "steps", 3))
                .progress(progress::add).call();
        assertThat(text(slow)).contains("completed");
        assertThat(progress).hasSize(3);

        CallToolResult elicited = c.tool("b_trigger-elicitation-request").arguments(Map.of()).call();
        assertThat(asked).hasSize(1);
        assertThat(text(elicited)).contains("java-modern-answer");
    }
}
