package io.camelmcp.gateway.endpoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.http.common.DefaultHttpBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.camelmcp.gateway.upstream.EventChunks;
import io.camelmcp.gateway.session.Identity;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * How an HTTP request on {@code /mcp} becomes an exchange and its answer goes back, cut to what the endpoint
 * needs. Camel's default binding also derives URL, URI, path and query headers, runs every header through a
 * filter strategy, and writes every answer through a stream copy that flushes each buffer and uses chunked
 * encoding. Here: the request headers as they came (except Camel's own names, which a client may not set) and
 * the body as the request's stream; a JSON answer written once, with its length; an SSE answer written and
 * flushed event by event.
 */
public class McpHttpBinding extends DefaultHttpBinding {

    private static final Logger LOG = LoggerFactory.getLogger(McpHttpBinding.class);

    @Override
    public void readRequest(HttpServletRequest request, Message message) {
        Map<String, Object> headers = message.getHeaders();
        for (Enumeration<String> names = request.getHeaderNames(); names.hasMoreElements(); ) {
            String name = names.nextElement();
            if (name.equalsIgnoreCase("Accept")) {
                headers.put(name, joined(request, name)); // RFC 9110 §5.3: repeated lines are one list
            } else if (!name.regionMatches(true, 0, "Camel", 0, 5)) {
                headers.put(name, request.getHeader(name));
            }
        }
        headers.put(Exchange.HTTP_METHOD, request.getMethod());
        String pathInfo = request.getPathInfo(); // CamelServlet expects it
        headers.put(Exchange.HTTP_PATH, pathInfo == null ? "" : pathInfo);
        if (!McpServlet.PATH.equals(request.getServletPath())) {
            // a virtual server's own endpoint, /v/{name}/mcp: mcpVirtualServers.select reads the name
            message.getExchange().setProperty(io.camelmcp.gateway.exchange.McpExchange.VIRTUAL_PATH,
                    pathInfo == null ? "" : pathInfo);
        }
        long length = request.getContentLengthLong();
        if (length >= 0) {
            headers.put(Exchange.CONTENT_LENGTH, length);
        }
        message.getExchange().setProperty(McpServlet.START, request.getAttribute(McpServlet.START));
        // who the client is, for max-sessions-per-client (read by initialize only): the container's value, no lookup
        message.getExchange().setProperty(io.camelmcp.gateway.exchange.McpExchange.REMOTE_ADDRESS, request.getRemoteAddr());
        // who the client is, as the security filter authenticated it (nothing there: security is off)
        Object identity = request.getAttribute(Identity.ATTRIBUTE);
        message.getExchange().setProperty(io.camelmcp.gateway.exchange.McpExchange.IDENTITY,
                identity instanceof Identity i ? i : Identity.ANONYMOUS);
        message.getBody(); // through parseBody, once: the message then knows the request is read
    }

    private static String joined(HttpServletRequest request, String name) {
        Enumeration<String> values = request.getHeaders(name);
        String first = values.hasMoreElements() ? values.nextElement() : null;
        if (!values.hasMoreElements()) {
            return first;
        }
        StringBuilder all = new StringBuilder(first);
        while (values.hasMoreElements()) {
            all.append(", ").append(values.nextElement());
        }
        return all.toString();
    }

    /** The body of a POST as the request's stream, parsed once by the endpoint; nothing for other methods. */
    @Override
    public Object parseBody(HttpServletRequest request, Message message) throws IOException {
        return "POST".equals(request.getMethod()) ? request.getInputStream() : null;
    }

    @Override
    public void writeResponse(Exchange exchange, HttpServletResponse response) throws IOException {
        Message m = exchange.getMessage();
        Object body = m.getBody();
        if (exchange.getException() != null) {
            // the route's error handler renders every failure; this is what slipped past it
            LOG.error("Unhandled failure on /mcp", exchange.getException());
            if (response.isCommitted()) {
                return; // an open stream just ends
            }
            body = "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32603,\"message\":\"Internal error\"}}"
                    .getBytes(StandardCharsets.US_ASCII);
            m.setHeader(Exchange.HTTP_RESPONSE_CODE, 500);
            m.setHeader(Exchange.CONTENT_TYPE, "application/json");
        }
        if (!response.isCommitted()) { // an SSE answer may have been opened early (Replies#openEventStream)
            writeHeaders(m, response);
        }
        if (body == null) {
            return;
        }
        if (body instanceof byte[] bytes) {
            if (!response.isCommitted()) {
                response.setContentLength(bytes.length);
            }
            response.getOutputStream().write(bytes);
            // headers and body in one write, now: what the exchange still does when it completes (reading the end of
            // an upstream's answer) must not hold the client's answer back
            response.flushBuffer();
        } else if (body instanceof EventChunks events) {
            try (events) {
                events.writeTo(response.getOutputStream());
            }
            response.getOutputStream().close(); // the end of the stream too, before the exchange completes (above)
        } else if (body instanceof InputStream in) {
            try (in) {
                OutputStream out = response.getOutputStream();
                byte[] buf = new byte[1024];
                int n;
                while ((n = in.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            }
        } else {
            byte[] bytes = m.getBody(String.class).getBytes(StandardCharsets.UTF_8);
            response.setContentLength(bytes.length);
            response.getOutputStream().write(bytes);
        }
    }

    private static void writeHeaders(Message m, HttpServletResponse response) {
        Integer status = m.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        response.setStatus(status == null ? 200 : status);
        for (Map.Entry<String, Object> h : m.getHeaders().entrySet()) {
            String name = h.getKey();
            if (name.regionMatches(true, 0, "Camel", 0, 5) || h.getValue() == null) {
                continue;
            }
            if (name.equalsIgnoreCase(Exchange.CONTENT_TYPE)) {
                response.setContentType(h.getValue().toString());
            } else if (!name.equalsIgnoreCase(Exchange.CONTENT_LENGTH)) {
                response.setHeader(name, h.getValue().toString());
            }
        }
    }
}
