package io.camelmcp.gateway.federation;

import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.camelmcp.gateway.registry.RegistrySnapshot;

/** One server's part of a fan-out: its tools (as the upstream sent them), or why it is missing. */
public record ServerTools(RegistrySnapshot.Entry server, List<ObjectNode> tools, String failure) {

    public static ServerTools failed(RegistrySnapshot.Entry server, String failure) {
        return new ServerTools(server, List.of(), failure);
    }

    public boolean ok() { return failure == null; }
}
