package io.camelmcp.gateway.session;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A server-to-client request the gateway relayed under an id of its own and the client has not answered
 * yet: where the answer goes back to, under the upstream's id. A plain record: a shared store writes it as JSON.
 */
public record PendingRequest(String sessionId, String server, JsonNode upstreamId, String method) {

    /** The key of the reverse lookup, from the upstream's id to the gateway's. */
    public UpstreamRequestKey upstreamKey() {
        return new UpstreamRequestKey(sessionId, server, upstreamId);
    }
}
