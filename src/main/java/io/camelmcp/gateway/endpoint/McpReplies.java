package io.camelmcp.gateway.endpoint;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.camelmcp.gateway.exchange.Answer;
import io.camelmcp.gateway.exchange.McpExchange;
import io.camelmcp.gateway.protocol.ErrorCodes;
import io.camelmcp.gateway.protocol.JsonRpc;
import io.camelmcp.gateway.protocol.JsonRpcMessage;
import io.camelmcp.gateway.protocol.McpException;

/** The answers of the endpoint route that need no upstream, and the rendering of every error. */
public class McpReplies {

    private static final Logger LOG = LoggerFactory.getLogger(McpReplies.class);

    private final JsonRpc json;

    public McpReplies(JsonRpc json) {
        this.json = json;
    }

    /**
     * The last step of the endpoint: the {@link Answer} a bean returned becomes the HTTP answer. The one place that
     * writes what the domain beans decided; anything else in the body (an answer the endpoint's own beans or the error
     * handler already wrote) is left as it is.
     */
    public void render(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        if (body instanceof Answer answer) {
            switch (answer) {
                case Answer.Json j -> Replies.json(exchange, j.status(), j.body());
                case Answer.Events e -> Replies.eventStream(exchange, e.events());
                case Answer.Empty e -> Replies.empty(exchange, e.status());
            }
        } else if (body instanceof com.fasterxml.jackson.databind.JsonNode) {
            // the message itself is still the body: no step answered it (a route that stops early, a branch that only
            // logs). The client must not get its own request back
            JsonRpcMessage msg = exchange.getProperty(McpExchange.MESSAGE, JsonRpcMessage.class);
            if (msg != null && msg.isRequest()) {
                LOG.warn("No route answered {} (id {}): answered -32603", msg.method(), msg.id());
                Replies.json(exchange, 200, json.write(json.error(msg.id(), ErrorCodes.INTERNAL_ERROR,
                        "Internal error: the gateway's routes gave no answer to " + msg.method(), null)));
            } else {
                Replies.empty(exchange, 202);
            }
        }
    }

    /** A request whose revision family no branch of mcp-endpoint.yaml takes (edited routes that lack one). */
    public void unsupportedRevision(@ExchangeProperty(McpExchange.FAMILY) String family) {
        throw McpException.http(400, ErrorCodes.TRANSPORT_ERROR,
                "Bad Request: this gateway's routes serve no protocol revision of the family " + family);
    }

    /** Notifications and responses from the client: accepted, no body. */
    public void accepted(Exchange exchange) {
        Replies.empty(exchange, 202);
    }

    /** ping, logging/setLevel: an empty result. */
    public void emptyResult(Exchange exchange, @ExchangeProperty(McpExchange.MESSAGE) JsonRpcMessage msg) {
        Replies.json(exchange, 200, json.write(json.result(msg.id(), json.object())));
    }

    /** -32601; with HTTP 404 for a 2026-07-28 client (its transport says so), inside a 200 for the earlier ones. */
    public void methodNotFound(@ExchangeProperty(McpExchange.MESSAGE) JsonRpcMessage msg,
                               @ExchangeProperty(McpExchange.FAMILY) String family) {
        int status = io.camelmcp.gateway.protocol.StatelessFamily.NAME.equals(family) ? 404 : 200;
        throw new McpException(status, ErrorCodes.METHOD_NOT_FOUND, "Method not found: " + msg.method(), msg.id(), null);
    }

    /** Any HTTP method but POST, GET and DELETE. */
    public void methodNotAllowed(Exchange exchange) {
        exchange.getMessage().removeHeaders("*");
        Replies.json(exchange, 405, json.write(json.error(null, ErrorCodes.TRANSPORT_ERROR,
                "Method Not Allowed: /mcp takes POST, GET and DELETE", null)));
        exchange.getMessage().setHeader("Allow", "GET, POST, DELETE");
    }

    /** Renders the exception that ended the exchange: its HTTP status and a JSON-RPC error. */
    public void error(Exchange exchange) {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        McpException mcp = e instanceof McpException m ? m : null;
        if (mcp == null) {
            LOG.error("Unexpected failure handling an MCP request", e);
            JsonRpcMessage msg = exchange.getProperty(McpExchange.MESSAGE, JsonRpcMessage.class);
            mcp = McpException.rpc(ErrorCodes.INTERNAL_ERROR, "Internal error", msg == null ? null : msg.id());
        }
        if (mcp.requestId() == null && mcp.httpStatus() == 200) {
            JsonRpcMessage msg = exchange.getProperty(McpExchange.MESSAGE, JsonRpcMessage.class);
            if (msg != null) {
                mcp = mcp.withRequestId(msg.id());
            }
        }
        exchange.getMessage().removeHeaders("*"); // the request's headers must not be echoed back
        JsonNode clientId = exchange.getProperty(McpExchange.CLIENT_REQUEST_ID, JsonNode.class);
        ObjectNode body = json.error(clientId != null && mcp.requestId() != null ? clientId : mcp.requestId(), mcp.code(),
                mcp.getMessage(), mcp.data());
        Replies.json(exchange, mcp.httpStatus(), json.write(body));
        if (mcp instanceof io.camelmcp.gateway.protocol.LimitExceeded limit && limit.retryAfterSeconds() > 0) {
            exchange.getMessage().setHeader("Retry-After", Long.toString(limit.retryAfterSeconds()));
        } else if (mcp.httpStatus() == 503) {
            exchange.getMessage().setHeader("Retry-After", "1"); // a store outage: try again (another replica may serve)
        }
    }
}
