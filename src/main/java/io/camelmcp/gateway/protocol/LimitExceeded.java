package io.camelmcp.gateway.protocol;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A request refused because the client holds as much as a limit of the gateway allows (sessions per client, streams
 * per session): HTTP 429, -32000, with {@code data.limit} naming the property and {@code data.max} its value, and,
 * when the gateway knows when a slot frees itself, a {@code Retry-After} header (whole seconds, at least 1).
 */
public class LimitExceeded extends McpException {

    private final long retryAfterSeconds;

    /** @param retryAfterSeconds the Retry-After header's value; 0 for none */
    public LimitExceeded(String limit, int max, String message, JsonNode requestId, long retryAfterSeconds) {
        this(message, requestId, retryAfterSeconds, data(limit, max, retryAfterSeconds));
    }

    private static Map<String, Object> data(String limit, int max, long retryAfterSeconds) {
        Map<String, Object> data = new LinkedHashMap<>(); // in this order on the wire
        data.put("limit", limit);
        data.put("max", max);
        if (retryAfterSeconds > 0) {
            data.put("retryAfterSeconds", retryAfterSeconds);
        }
        return data;
    }

    private LimitExceeded(String message, JsonNode requestId, long retryAfterSeconds, Object data) {
        this(429, message, requestId, retryAfterSeconds, data);
    }

    /**
     * A limit answered with another HTTP status than 429 (a rate limit answers a 2025 client's accepted request with
     * 200 and its JSON-RPC error) or with more in {@code data} than the limit and its maximum.
     */
    protected LimitExceeded(int httpStatus, String message, JsonNode requestId, long retryAfterSeconds, Object data) {
        super(httpStatus, ErrorCodes.TRANSPORT_ERROR, message, requestId, data);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /**
     * A limit met by a request in a session rather than by the session itself: answered with HTTP 200 and the
     * JSON-RPC error (a transport refusal would end the client's session or send it into retries).
     */
    public static LimitExceeded inAnswer(String limit, int max, String message, JsonNode requestId) {
        return new LimitExceeded(200, message, requestId, 0, data(limit, max, 0));
    }

    /**
     * A limit of what this replica can hold, whoever asks (its open GET streams): HTTP 503 with Retry-After, since
     * another replica, or this one a little later, can serve the request.
     */
    public static LimitExceeded capacity(String limit, int max, String message, long retryAfterSeconds) {
        return new LimitExceeded(503, message, null, retryAfterSeconds, data(limit, max, retryAfterSeconds));
    }

    /** Seconds for the Retry-After header; 0: none. */
    public long retryAfterSeconds() { return retryAfterSeconds; }

    @Override
    public McpException withRequestId(JsonNode id) {
        return new LimitExceeded(httpStatus(), getMessage(), id, retryAfterSeconds, data());
    }
}
