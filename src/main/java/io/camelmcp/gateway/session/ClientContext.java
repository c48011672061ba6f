package io.camelmcp.gateway.session;

import com.fasterxml.jackson.databind.JsonNode;

import io.camelmcp.gateway.protocol.ProtocolFamilies;
import io.camelmcp.gateway.protocol.ProtocolFamily;

/**
 * Who a request comes from, as the beans need it: the revision it speaks, the capabilities and client info it
 * declared, the session its state lives under and, once the gateway authenticates, its identity. A session-based
 * client's context comes from its session ({@link #of}); a stateless (2026-07-28) client's from each request.
 *
 * @param sessionId          the gateway session the client's upstream sessions and relay state are kept under
 * @param protocolVersion    the revision the client speaks
 * @param clientCapabilities what the client declared it supports (elicitation, sampling, roots...)
 * @param clientInfo         the client's name and version, or null
 * @param identity           who the client is ({@link Identity#ANONYMOUS} while the gateway does not authenticate)
 * @param family             the family of {@code protocolVersion}: how to treat this client where revisions differ
 */
public record ClientContext(String sessionId, String protocolVersion, JsonNode clientCapabilities, JsonNode clientInfo,
                            Identity identity, ProtocolFamily family) {

    /** An anonymous client's context (the gateway's own calls, tests). */
    public static ClientContext of(GatewaySession session) {
        return of(session, Identity.ANONYMOUS);
    }

    public static ClientContext of(GatewaySession session, Identity identity) {
        return new ClientContext(session.id(), session.protocolVersion(), session.clientCapabilities(),
                session.clientInfo(), identity, ProtocolFamilies.SUPPORTED.of(session.protocolVersion()));
    }
}
