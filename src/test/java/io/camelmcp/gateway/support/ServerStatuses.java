package io.camelmcp.gateway.support;

import org.springframework.boot.test.web.client.TestRestTemplate;

import com.fasterxml.jackson.databind.JsonNode;

/** What {@code GET /actuator/mcpservers} says of one server. */
public final class ServerStatuses {

    private ServerStatuses() {
    }

    /** The server's entry, or null when the gateway does not list it. */
    public static JsonNode find(TestRestTemplate rest, String server) throws Exception {
        JsonNode all = RawMcpClient.JSON.readTree(rest.getForObject("/actuator/mcpservers", String.class));
        for (JsonNode s : all.path("servers")) {
            if (server.equals(s.path("name").asText())) {
                return s;
            }
        }
        return null;
    }
}
