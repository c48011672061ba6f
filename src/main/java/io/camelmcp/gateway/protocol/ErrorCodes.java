package io.camelmcp.gateway.protocol;

/** JSON-RPC 2.0 and MCP error codes used by the gateway. */
public final class ErrorCodes {
    public static final int PARSE_ERROR = -32700;
    public static final int INVALID_REQUEST = -32600;
    public static final int METHOD_NOT_FOUND = -32601;
    public static final int INVALID_PARAMS = -32602;
    public static final int INTERNAL_ERROR = -32603;
    /** Implementation-defined server error range: the owning upstream could not be reached or failed. */
    public static final int UPSTREAM_UNAVAILABLE = -32001;
    /** Implementation-defined: the transport-level request was refused (headers, session, size). */
    public static final int TRANSPORT_ERROR = -32000;

    /**
     * Implementation-defined (MCP defines none): the caller's authorization rules do not let it use the tool, prompt
     * or resource the request names. An answer to an accepted request (HTTP 200), not a transport refusal: an HTTP 403
     * would send OAuth clients into re-authentication. data names the item and the rule.
     */
    public static final int NOT_PERMITTED = -32003;

    /** 2026-07-28: an MCP-Protocol-Version, Mcp-Method or Mcp-Name header is missing or says otherwise than the body. */
    public static final int HEADER_MISMATCH = -32020;
    /** 2026-07-28: serving the request needs a client capability the request did not declare. */
    public static final int MISSING_CLIENT_CAPABILITY = -32021;
    /** 2026-07-28: a protocol version the gateway does not speak; data lists the ones it does. */
    public static final int UNSUPPORTED_PROTOCOL_VERSION = -32022;

    private ErrorCodes() {}
}
