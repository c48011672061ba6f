package io.camelmcp.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import io.modelcontextprotocol.spec.McpSchema.TextContent;

/** The official MCP Java SDK client, unmodified, talking to the gateway as to any MCP server. */
class JavaSdkClientTest extends EverythingGatewayTest {

    @Test
    void theJavaSdkClientListsAndCallsToolsThroughTheGateway() {
        List<ProgressNotification> progress = new CopyOnWriteArrayList<>();
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport
                .builder("http://127.0.0.1:" + port).endpoint("/mcp").build();
        McpSyncClient client = McpClient.sync(transport)
                .clientInfo(new McpSchema.Implementation("java-sdk-test", "1.0.0"))
                .requestTimeout(Duration.ofSeconds(30))
                .progressConsumer(progress::add)
                .build();
        try {
            McpSchema.InitializeResult init = client.initialize();
            assertThat(init.protocolVersion()).isEqualTo("2025-11-25");
            assertThat(init.serverInfo().name()).isEqualTo("camel-mcp-gateway");

            List<String> names = client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
            assertThat(names).contains("a_get-sum", "b_get-sum", "a_echo", "b_echo");

            CallToolResult sum = client.callTool(new CallToolRequest("a_get-sum", Map.of("a", 20, "b", 22)));
            assertThat(((TextContent) sum.content().get(0)).text()).isEqualTo("The sum of 20 and 22 is 42.");

            CallToolResult echo = client.callTool(new CallToolRequest("b_echo", Map.of("message", "through the gateway")));
            assertThat(((TextContent) echo.content().get(0)).text()).isEqualTo("Echo: through the gateway");

            CallToolResult slow = client.callTool(CallToolRequest.builder().name("b_trigger-long-running-operation")
                    .arguments(Map.of("duration", 1, "steps", 2)).progressToken("sdk-1").build());
            assertThat(((TextContent) slow.content().get(0)).text()).startsWith("Long running operation completed");
            // the SDK hands notifications to its consumer asynchronously: order is checked on the raw stream elsewhere
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(progress).extracting(ProgressNotification::progress).containsExactlyInAnyOrder(1.0, 2.0));
        } finally {
            assertThat(client.closeGracefully()).isTrue();
        }
    }
}
