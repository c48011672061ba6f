package io.camelmcp.gateway.endpoint;

import java.io.IOException;
import java.io.InputStream;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

import jakarta.servlet.http.HttpServletResponse;

/** Sets the HTTP answer on an exchange: status, content type and body. */
public final class Replies {

    private Replies() {}

    public static void json(Exchange exchange, int status, byte[] body) {
        Message m = exchange.getMessage();
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        m.setHeader(Exchange.CONTENT_TYPE, "application/json");
        m.setBody(body);
    }

    public static void eventStream(Exchange exchange, InputStream events) {
        Message m = exchange.getMessage();
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        m.setHeader(Exchange.CONTENT_TYPE, EVENT_STREAM);
        SSE_HEADERS.forEach(m::setHeader);
        m.setBody(events);
    }

    private static final String EVENT_STREAM = "text/event-stream";
    /** Every SSE answer's: not cached, and not held back by reverse proxies that buffer. */
    private static final java.util.Map<String, String> SSE_HEADERS = java.util.Map.of(
            "Cache-Control", "no-cache", "X-Accel-Buffering", "no");

    /**
     * Sends the headers of an SSE answer and its first bytes now, while the route is still waiting for what
     * follows (which {@link #eventStream} then sets as the body). The response is taken when the request comes in:
     * a step that returns a value makes Camel replace the exchange's HTTP message.
     */
    public static void openEventStream(HttpServletResponse res, byte[] first) throws IOException {
        res.setStatus(200);
        res.setContentType(EVENT_STREAM);
        SSE_HEADERS.forEach(res::setHeader);
        if (first != null) {
            res.getOutputStream().write(first);
        }
        res.flushBuffer();
    }

    public static void empty(Exchange exchange, int status) {
        Message m = exchange.getMessage();
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        m.removeHeader(Exchange.CONTENT_TYPE);
        m.setBody(null);
    }
}
