package io.camelmcp.gateway.exchange;

/** Names of the exchange properties the /mcp routes pass between steps. */
public final class McpExchange {
    /** {@link RequestContext}: what the transport check learned from the HTTP request. */
    public static final String CONTEXT = "mcpContext";
    /**
     * The family of protocol revisions the request belongs to, by name ({@code 2025}: sessions and initialize), from
     * its MCP-Protocol-Version header: what mcp-endpoint.yaml branches on.
     */
    public static final String FAMILY = "mcpFamily";
    /** The request's HTTP method (GET, POST, DELETE, ...). */
    public static final String HTTP_METHOD = "mcpHttpMethod";
    /** {@link io.camelmcp.gateway.protocol.JsonRpcMessage}: the parsed message. */
    public static final String MESSAGE = "mcpMessage";
    /** JSON-RPC method of the message (null for responses); what the endpoint route dispatches on. */
    public static final String METHOD = "mcpMethod";
    /** The messages of a JSON-RPC batch (List of JsonRpcMessage), when the body was one. */
    public static final String BATCH = "mcpBatch";
    /** REQUEST, NOTIFICATION, RESPONSE or BATCH. */
    public static final String KIND = "mcpKind";
    /** {@link io.camelmcp.gateway.session.GatewaySession} of the request. */
    public static final String SESSION = "mcpSession";
    /**
     * {@link io.camelmcp.gateway.session.ClientContext} of the request: who it comes from (revision, capabilities,
     * session, identity). What the beans take.
     */
    public static final String CLIENT = "mcpClient";
    /** {@link io.camelmcp.gateway.registry.RegistrySnapshot.Entry}: the server that owns what the request names. */
    public static final String TARGET = "mcpTarget";

    /** {@link Answer.StreamOpener}: opens this request's SSE answer early (set by the endpoint for POSTs). */
    public static final String OPEN_STREAM = "mcpOpenStream";

    private McpExchange() {}
}
