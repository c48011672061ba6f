package io.camelmcp.gateway.endpoint;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

import io.camelmcp.gateway.exchange.Answer;
import io.camelmcp.gateway.exchange.McpExchange;
import io.camelmcp.gateway.protocol.ErrorCodes;
import io.camelmcp.gateway.protocol.JsonRpc;
import io.camelmcp.gateway.protocol.JsonRpcMessage;
import io.camelmcp.gateway.protocol.McpException;
import io.camelmcp.gateway.session.ClientContext;
import io.camelmcp.gateway.upstream.SseEvent;
import io.camelmcp.gateway.upstream.SseReader;

/**
 * JSON-RPC batches, which protocol 2025-03-26 requires servers to accept (later revisions removed them):
 * each message is dispatched as if posted alone, and the responses come back together as one JSON array.
 */
public class Batches {

    private final JsonRpc json;

    public Batches(JsonRpc json) {
        this.json = json;
    }

    /** The batch's messages, in order; only sessions that negotiated 2025-03-26 may send batches. */
    public List<JsonRpcMessage> elements(@ExchangeProperty(McpExchange.BATCH) List<JsonRpcMessage> batch,
                                         @ExchangeProperty(McpExchange.CLIENT) ClientContext session) {
        if (session.family() == null || !session.family().allowsBatches(session.protocolVersion())) {
            throw McpException.http(400, ErrorCodes.INVALID_REQUEST, "Invalid Request: this session's protocol revision "
                    + session.protocolVersion() + " has no JSON-RPC batches (2025-03-26 had them)");
        }
        return batch;
    }

    /** One message of the batch becomes the message the dispatch route works on. */
    public void enter(Exchange exchange) {
        McpTransport.enter(exchange, exchange.getMessage().getBody(JsonRpcMessage.class));
    }

    /** The response one dispatch produced (the last response of an SSE answer), or null for 202. */
    public JsonNode responseOf(Exchange exchange) throws IOException {
        Object body = exchange.getMessage().getBody();
        if (body instanceof Answer answer) {
            body = switch (answer) {
                case Answer.Json j -> j.body();
                case Answer.Events e -> e.events();
                case Answer.Empty e -> null;
            };
            exchange.getMessage().setBody(body);
        }
        if (body == null) {
            return null;
        }
        if (body instanceof byte[] bytes) {
            return bytes.length == 0 ? null : json.read(bytes);
        }
        JsonNode response = null;
        try (SseReader events = new SseReader(exchange.getMessage().getBody(InputStream.class))) {
            SseEvent e;
            while ((e = events.next()) != null) {
                if (e.isMessage()) {
                    JsonNode m = json.read(e.data());
                    if (!m.has("method")) {
                        response = m; // notifications on the way have nowhere to go in a JSON answer
                    }
                }
            }
        }
        return response;
    }

    /** The array of responses, or 202 when the batch held only notifications and responses. */
    public void reply(Exchange exchange) throws IOException {
        List<?> parts = exchange.getMessage().getBody(List.class);
        ArrayNode out = json.mapper().createArrayNode();
        for (Object part : parts == null ? List.of() : parts) {
            // a branch that failed ends with its rendered error (bytes) instead of a parsed response
            JsonNode response = part instanceof byte[] bytes ? json.read(bytes) : (JsonNode) part;
            if (response != null) {
                out.add(response);
            }
        }
        if (out.isEmpty()) {
            Replies.empty(exchange, 202);
            return;
        }
        Replies.json(exchange, 200, json.write(out));
    }
}
