package io.camelmcp.gateway.upstream;

import java.util.Map;

import io.camelmcp.gateway.registry.ServerRegistration;
import io.camelmcp.gateway.session.ClientContext;

/**
 * The credentials of a request to an upstream server (its {@link ServerRegistration#auth}): the headers to add, on top
 * of the server's static ones. Implemented in the security layer ({@code security.UpstreamTokens}); the client's own
 * credentials never reach an upstream as they are (the MCP authorization spec forbids passing tokens through).
 */
public interface UpstreamCredentials {

    /** No credentials beyond the servers' static headers. */
    UpstreamCredentials NONE = (server, client) -> Map.of();

    /**
     * The headers for one request to {@code server}.
     *
     * @param client the client the request is made for; null for the gateway's own requests (discovery, lists,
     *               health checks, ending sessions)
     * @throws UpstreamException when the credential cannot be had (the token endpoint failed): the server is
     *                           unavailable for this request
     * @throws io.camelmcp.gateway.protocol.McpException when the client itself cannot be served (it presented no token
     *                           to exchange): its error, not the server's
     */
    Map<String, String> headers(ServerRegistration server, ClientContext client) throws UpstreamException;

    /** The server refused a request made with these headers (HTTP 401): a cached credential is not to be used again. */
    default void rejected(ServerRegistration server, ClientContext client, Map<String, String> headers) {
    }
}
