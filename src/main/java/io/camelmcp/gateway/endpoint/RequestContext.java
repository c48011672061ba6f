package io.camelmcp.gateway.endpoint;

/** The HTTP facts of one request to /mcp, captured before request headers are dropped from the exchange. */
public record RequestContext(String httpMethod, String sessionId, String protocolVersion, boolean acceptsEventStream,
                             String lastEventId) {}
