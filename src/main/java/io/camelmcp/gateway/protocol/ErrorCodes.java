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

    private ErrorCodes() {}
}
