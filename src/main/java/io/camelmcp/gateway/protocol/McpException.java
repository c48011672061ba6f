package io.camelmcp.gateway.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A failure the client must see as a precise HTTP status and, where there is one, a JSON-RPC error.
 * Thrown from any step of the routes; the endpoint's error handler renders it.
 */
public class McpException extends RuntimeException {

    private final int httpStatus;
    private final int code;
    private final JsonNode requestId;
    private final Object data;

    public McpException(int httpStatus, int code, String message, JsonNode requestId, Object data) {
        super(message, null, false, false); // expected outcomes: no stack trace cost on the hot path
        this.httpStatus = httpStatus;
        this.code = code;
        this.requestId = requestId;
        this.data = data;
    }

    /** A JSON-RPC error answering a well-formed request (HTTP 200). */
    public static McpException rpc(int code, String message, JsonNode requestId) {
        return new McpException(200, code, message, requestId, null);
    }

    public static McpException rpc(int code, String message, JsonNode requestId, Object data) {
        return new McpException(200, code, message, requestId, data);
    }

    /** A transport-level rejection: HTTP status with a JSON-RPC error body without id. */
    public static McpException http(int httpStatus, int code, String message) {
        return new McpException(httpStatus, code, message, null, null);
    }

    public int httpStatus() { return httpStatus; }
    public int code() { return code; }
    public JsonNode requestId() { return requestId; }
    public Object data() { return data; }

    public McpException withRequestId(JsonNode id) {
        return new McpException(httpStatus, code, getMessage(), id, data);
    }
}
