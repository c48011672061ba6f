package io.camelmcp.gateway.session;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A server request as its upstream knows it: its own id (a JSON string or number) in the client's session
 * with that server. A plain record: a shared store writes it as JSON.
 */
public record UpstreamRequestKey(String sessionId, String server, JsonNode upstreamId) {}
