package io.camelmcp.gateway.session;

/**
 * The gateway's session with one upstream server on behalf of one gateway session.
 * {@code sessionId} is null for servers that do not use sessions.
 */
public record UpstreamSession(String server, String sessionId, String protocolVersion) {}
