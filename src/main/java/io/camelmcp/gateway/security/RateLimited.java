package io.camelmcp.gateway.security;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.camelmcp.gateway.protocol.LimitExceeded;

/**
 * A call refused by a rate limit: -32000 like the gateway's other limits, {@code data.limit} naming the property,
 * {@code data.max} the calls per period, {@code data.retryAfterSeconds}/{@code data.retryAfterMs} when to retry, and a
 * Retry-After header. HTTP 200 for a 2025 client (an accepted request in a live session: its SDK hands the JSON-RPC
 * error, hint included, to the caller, where a 429 would be a transport failure), 429 for a 2026-07-28 client (whose
 * transport carries the error's kind in the HTTP status, as 404 for -32601).
 */
public final class RateLimited extends LimitExceeded {

    RateLimited(int httpStatus, String message, JsonNode requestId, long retryAfterSeconds, Map<String, Object> data) {
        super(httpStatus, message, requestId, retryAfterSeconds, data);
    }

    @Override
    @SuppressWarnings("unchecked")
    public RateLimited withRequestId(JsonNode id) {
        return new RateLimited(httpStatus(), getMessage(), id, retryAfterSeconds(), (Map<String, Object>) data());
    }
}
