package io.camelmcp.gateway.session;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A client's session with the gateway, as negotiated by {@code initialize}. Immutable; the upstream
 * sessions opened for it are kept beside it in the {@link SessionStore}.
 *
 * @param owner the {@link Identity#key()} of who created it: only that identity may use it (null: anonymous)
 * @param virtualServer the virtual server it was created on, which it stays on (null: none); kept with the session so
 *                      that every replica serves it the same subset
 */
public record GatewaySession(String id, String protocolVersion, JsonNode clientCapabilities,
                             JsonNode clientInfo, Instant createdAt, String owner, String virtualServer) {

    public GatewaySession(String id, String protocolVersion, JsonNode clientCapabilities, JsonNode clientInfo,
                          Instant createdAt, String owner) {
        this(id, protocolVersion, clientCapabilities, clientInfo, createdAt, owner, null);
    }

    /** An anonymous client's session. */
    public GatewaySession(String id, String protocolVersion, JsonNode clientCapabilities, JsonNode clientInfo,
                          Instant createdAt) {
        this(id, protocolVersion, clientCapabilities, clientInfo, createdAt, null);
    }

    /** Whether this identity may use the session: the one that created it (a session from before authentication was anonymous's). */
    public boolean ownedBy(Identity identity) {
        return (owner == null ? Identity.ANONYMOUS.key() : owner).equals(identity.key());
    }
}
