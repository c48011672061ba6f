package io.camelmcp.gateway.exchange;

/**
 * The HTTP facts of one request to /mcp, captured before request headers are dropped from the exchange (the
 * method is its own exchange property, {@link McpExchange#HTTP_METHOD}, which the endpoint route branches on).
 */
public record RequestContext(String sessionId, String protocolVersion, boolean acceptsEventStream,
                             String lastEventId) {}
