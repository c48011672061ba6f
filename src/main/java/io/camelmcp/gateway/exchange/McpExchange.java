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
    /** The endpoint of the target server's own route (its circuit breaker and bulkhead): see ServerCalls. */
    public static final String SERVER_CALL = "mcpServerCall";

    /** The upstream's answer to the forwarded request (an UpstreamReply), between forward.yaml's send and answer steps. */
    public static final String UPSTREAM_REPLY = "mcpUpstreamReply";
    /** What a forwarded request holds in the relay (progress token, in-flight entry) until it is finished. */
    public static final String RUNNING = "mcpRunning";
    /**
     * The id the client gave its request, where the gateway sends it upstream under an id of its own (2026-07-28
     * clients share pooled upstream sessions, in which their ids could meet); answers get it back.
     */
    public static final String CLIENT_REQUEST_ID = "mcpClientRequestId";

    /** {@link Answer.StreamOpener}: opens this request's SSE answer early (set by the endpoint for POSTs). */
    public static final String OPEN_STREAM = "mcpOpenStream";

    /**
     * {@link io.camelmcp.gateway.session.Identity}: who sent the request, as the security filter authenticated it
     * (anonymous while security is off). Set for every request before the route runs.
     */
    public static final String IDENTITY = "mcpIdentity";

    /**
     * {@link io.camelmcp.gateway.federation.CatalogFilter}: which catalogue items this request's lists show, set by the
     * authorization step of catalog-list.yaml when rules exist (absent: all of them).
     */
    public static final String CATALOG_FILTER = "mcpCatalogFilter";

    /**
     * The servers a list request must read first (a List of Catalog.Cold, catalog-list.yaml): empty when the catalogue
     * had all of them, and the list was served from the cache.
     */
    public static final String COLD_SERVERS = "mcpColdServers";

    /**
     * {@link io.camelmcp.gateway.federation.VirtualServer}: the curated subset of the catalogue this request is served
     * (the path /v/{name}/mcp, the X-Mcp-Virtualserver header, or its session's), set by mcp-endpoint.yaml's
     * {@code mcpVirtualServers.select}; absent: the whole catalogue.
     */
    public static final String VIRTUAL_SERVER = "mcpVirtualServer";

    /** The path after /v of a request on a virtual server's own endpoint ({@code /{name}/mcp}); absent on /mcp. */
    public static final String VIRTUAL_PATH = "mcpVirtualPath";

    /** The request's remote address (the servlet request's), for per-client limits: see McpSessions#client. */
    public static final String REMOTE_ADDRESS = "mcpRemoteAddress";

    /**
     * The {@code error.type} of a server call's outcome ({@code none} for a success), as the call metrics' step saw it
     * in forward.yaml's server-call route: the tracing step after it reads it instead of reading the answer again.
     */
    public static final String CALL_OUTCOME = "mcpCallOutcome";

    private McpExchange() {}
}
