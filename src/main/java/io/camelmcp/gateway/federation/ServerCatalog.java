package io.camelmcp.gateway.federation;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.camelmcp.gateway.registry.ServerRegistration;

/** Everything one server lists, as the server sent it, and when it was read. */
public record ServerCatalog(ServerRegistration registration, JsonNode capabilities, List<ObjectNode> tools,
                            List<ObjectNode> prompts, List<ObjectNode> resources, List<ObjectNode> templates,
                            Instant fetchedAt) {

    public ServerCatalog {
        tools = List.copyOf(tools);
        prompts = List.copyOf(prompts);
        resources = List.copyOf(resources);
        templates = List.copyOf(templates);
    }
}
