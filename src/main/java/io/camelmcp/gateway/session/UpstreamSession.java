package io.camelmcp.gateway.session;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The gateway's session with one upstream server on behalf of one gateway session (or of the gateway's
 * own catalogue). {@code sessionId} is null for servers that do not use sessions; {@code capabilities}
 * is what the server declared in its initialize result.
 */
public record UpstreamSession(String server, String sessionId, String protocolVersion, JsonNode capabilities) {}
