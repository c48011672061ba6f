package io.camelmcp.gateway.session;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A client's session with the gateway, as negotiated by {@code initialize}. Immutable; the upstream
 * sessions opened for it are kept beside it in the {@link SessionStore}.
 */
public record GatewaySession(String id, String protocolVersion, JsonNode clientCapabilities,
                             JsonNode clientInfo, Instant createdAt) {}
