package io.camelmcp.gateway.it;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.camelmcp.gateway.support.Peers;
import io.camelmcp.gateway.support.RawMcpClient;

/**
 * The gateway in front of two real server-everything processes, prefixes {@code a_} and {@code b_}.
 * Subclasses share one Spring context (same configuration) and the same two node processes.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class EverythingGatewayTest {

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) {
        registry.add("mcp.gateway.demo.enabled", () -> "false");
        registry.add("mcp.gateway.servers[0].name", () -> "everything-a");
        registry.add("mcp.gateway.servers[0].url", () -> Peers.everythingA().url());
        registry.add("mcp.gateway.servers[0].prefix", () -> "a_");
        registry.add("mcp.gateway.servers[1].name", () -> "everything-b");
        registry.add("mcp.gateway.servers[1].url", () -> Peers.everythingB().url());
        registry.add("mcp.gateway.servers[1].prefix", () -> "b_");
        registry.add("mcp.gateway.max-request-size", () -> "1MB");
    }

    String endpoint() {
        return "http://127.0.0.1:" + port + "/mcp";
    }

    RawMcpClient client() {
        return new RawMcpClient(endpoint());
    }
}
