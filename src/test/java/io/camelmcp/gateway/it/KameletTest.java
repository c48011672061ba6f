package io.camelmcp.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import com.fasterxml.jackson.databind.JsonNode;

import io.camelmcp.gateway.registry.ServerRegistry;
import io.camelmcp.gateway.support.RawMcpClient;

/** kamelets/mcp-tool-call-action, used from an ordinary Camel route, against the gateway's demo servers. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class KameletTest {

    @LocalServerPort
    int port;

    @Autowired
    CamelContext camel;

    @Autowired
    ProducerTemplate producer;

    @Autowired
    ServerRegistry registry;

    @BeforeEach
    void routes() throws Exception {
        if (camel.getRoute("multiply-via-mcp") != null) {
            return;
        }
        String gateway = "http://127.0.0.1:" + port + "/mcp";
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:multiply").routeId("multiply-via-mcp")
                        .to("kamelet:mcp-tool-call-action?gatewayUrl=" + gateway + "&tool=calc_multiply");
                from("direct:unknown").routeId("unknown-via-mcp")
                        .to("kamelet:mcp-tool-call-action?gatewayUrl=" + gateway + "&tool=nope_tool");
            }
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> registry.snapshot().readyServers().size() == 2);
    }

    @Test
    void aCamelRouteCallsAGatewayToolThroughTheKamelet() throws Exception {
        String result = producer.requestBody("direct:multiply", "{\"a\": 6, \"b\": 7}", String.class);
        JsonNode json = RawMcpClient.JSON.readTree(result);
        assertThat(json.path("content").get(0).path("text").asText()).isEqualTo("42");
        assertThat(json.path("isError").asBoolean()).isFalse();
    }

    @Test
    void aJsonRpcErrorFailsTheExchange() {
        assertThatThrownBy(() -> producer.requestBody("direct:unknown", "{}", String.class))
                .isInstanceOf(CamelExecutionException.class)
                .hasRootCauseMessage("MCP tool nope_tool failed: Unknown tool: nope_tool");
    }
}
