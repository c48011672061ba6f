package io.camelmcp.gateway.exchange;

/**
 * The HTTP facts of one request to /mcp, captured before request headers are dropped from the exchange (the
 * method is its own exchange property, {@link McpExchange#HTTP_METHOD}, which the endpoint route branches on).
 *
 * @param mcpMethod the {@code Mcp-Method} header (2026-07-28 mirrors the JSON-RPC method in it), or null
 * @param mcpName   the {@code Mcp-Name} header (the tool or prompt name, or the resource URI), or null
 * @param traceparent the W3C {@code traceparent} header (the client's trace context), or null
 * @param tracestate  the W3C {@code tracestate} header, or null
 */
public record RequestContext(String sessionId, String protocolVersion, boolean acceptsEventStream,
                             String lastEventId, String mcpMethod, String mcpName, String traceparent,
                             String tracestate) {}
