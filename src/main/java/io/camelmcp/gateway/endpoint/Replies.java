package io.camelmcp.gateway.endpoint;

import java.io.InputStream;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

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
        m.setHeader(Exchange.CONTENT_TYPE, "text/event-stream");
        m.setHeader("Cache-Control", "no-cache");
        m.setHeader("X-Accel-Buffering", "no"); // keep reverse proxies from holding events back
        m.setBody(events);
    }

    public static void empty(Exchange exchange, int status) {
        Message m = exchange.getMessage();
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        m.removeHeader(Exchange.CONTENT_TYPE);
        m.setBody(null);
    }
}
