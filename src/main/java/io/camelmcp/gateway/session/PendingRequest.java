package io.camelmcp.gateway.session;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A server-to-client request the gateway relayed under an id of its own and the client has not answered
 * yet: where the answer goes back to, under the upstream's id. A plain record: a shared store writes it as JSON.
 */
public record PendingRequest(String sessionId, String server, JsonNode upstreamId, String method) {

    /**
     * An input a modern (2026-07-28) server asked for in an InputRequiredResult, sent to a 2025 client as a server
     * request: its answer goes to the replica {@code replica} that waits to retry the call, not upstream. JSON-RPC ids
     * are never objects, so the marker in {@code upstreamId} cannot be a real upstream id.
     */
    public static PendingRequest awaitedInput(String sessionId, String server, String replica, String key, String method) {
        com.fasterxml.jackson.databind.node.ObjectNode marker = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        marker.put(AWAITED_BY, replica).put("key", key);
        return new PendingRequest(sessionId, server, marker, method);
    }

    private static final String AWAITED_BY = "awaitedBy";

    /**
     * Whether this is an input a replica waits for ({@link #awaitedInput}) rather than an upstream's request. Not a
     * property: a shared store writes the record's components only.
     */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isAwaitedInput() {
        return upstreamId != null && upstreamId.isObject() && upstreamId.has(AWAITED_BY);
    }

    /** The key of the reverse lookup, from the upstream's id to the gateway's. */
    public UpstreamRequestKey upstreamKey() {
        return new UpstreamRequestKey(sessionId, server, upstreamId);
    }
}
