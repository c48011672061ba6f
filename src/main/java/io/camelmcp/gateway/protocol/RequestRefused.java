package io.camelmcp.gateway.protocol;

/**
 * A request a route refuses, for {@code throwException} in route YAML (which builds an exception from its message):
 * the client gets a JSON-RPC error -32602 for its request, with this message. See docs/routes.md.
 */
public class RequestRefused extends McpException {

    public RequestRefused(String message) {
        super(200, ErrorCodes.INVALID_PARAMS, message, null, null);
    }
}
