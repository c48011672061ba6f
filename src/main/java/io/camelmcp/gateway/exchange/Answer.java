package io.camelmcp.gateway.exchange;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * What a bean answers a request with, as a value: the endpoint's last step ({@code mcpReplies.render} in
 * mcp-endpoint.yaml) turns it into the HTTP answer. Beans of the domain packages never touch HTTP themselves.
 */
public sealed interface Answer {

    /** One JSON object (or array), with its HTTP status. */
    record Json(int status, byte[] body) implements Answer {
        /** The JSON text: what {@code ${body}} shows in a route after the answer is there. */
        @Override
        public String toString() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** An SSE stream, written and flushed event by event until it ends. */
    record Events(InputStream events) implements Answer {}

    /** No body: 202 for a notification or response taken, 200 for a session ended. */
    record Empty(int status) implements Answer {}

    static Answer json(byte[] body) {
        return new Json(200, body);
    }

    static Answer accepted() {
        return new Empty(202);
    }

    static Answer events(InputStream events) {
        return new Events(events);
    }

    /**
     * Opens the SSE answer of this request now, with its first bytes, while the bean that answers still waits for
     * what follows (which it then returns as {@link Events}). Given to the beans by the endpoint (exchange property
     * {@link McpExchange#OPEN_STREAM}), so that they need not know the HTTP response.
     */
    @FunctionalInterface
    interface StreamOpener {
        void open(byte[] first) throws IOException;
    }
}
