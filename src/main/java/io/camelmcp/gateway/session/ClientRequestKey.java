package io.camelmcp.gateway.session;

import com.fasterxml.jackson.databind.JsonNode;

/** A client's request by its own id (a JSON string or number) in its session. A plain record, written as JSON. */
public record ClientRequestKey(String sessionId, JsonNode requestId) {}
