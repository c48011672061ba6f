package io.camelmcp.gateway.session;

/**
 * A server request as the client knows it: the gateway's id, in the session it was sent in (an answer from
 * another session does not find it). A plain record: a shared store writes it as JSON.
 */
public record ServerRequestKey(String sessionId, String gatewayId) {}
