package io.camelmcp.gateway.endpoint;

import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.Locale;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.camelmcp.gateway.exchange.Answer;
import io.camelmcp.gateway.exchange.McpExchange;
import io.camelmcp.gateway.exchange.RequestContext;
import io.camelmcp.gateway.protocol.ErrorCodes;
import io.camelmcp.gateway.protocol.JsonRpc;
import io.camelmcp.gateway.protocol.JsonRpcMessage;
import io.camelmcp.gateway.protocol.McpException;
import io.camelmcp.gateway.protocol.ProtocolFamilies;
import io.camelmcp.gateway.protocol.ProtocolFamily;
import io.camelmcp.gateway.protocol.StatelessFamily;

/** The Streamable HTTP rules of /mcp that hold before a message is even read. */
public class McpTransport {

    private final JsonRpc json;
    private final List<String> allowedOrigins;
    private final long maxRequestBytes;
    private final ProtocolFamilies families = ProtocolFamilies.SUPPORTED;

    public McpTransport(JsonRpc json, List<String> allowedOrigins, long maxRequestBytes) {
        this.json = json;
        this.allowedOrigins = allowedOrigins;
        this.maxRequestBytes = maxRequestBytes;
    }

    /** Origin, Accept, Content-Type, size and protocol version; records what later steps need. */
    public void checkHeaders(Exchange exchange) {
        Message in = exchange.getIn();
        String method = in.getHeader(Exchange.HTTP_METHOD, String.class);
        checkOrigin(in.getHeader("Origin", String.class));

        String version = in.getHeader("MCP-Protocol-Version", String.class);
        ProtocolFamily family = version == null ? families.withoutHeader() : families.of(version);
        if (family == null) {
            // 400 with UnsupportedProtocolVersionError and the versions spoken (2026-07-28 versioning; a 2025 client
            // gets the 400 its revision prescribes, and the list)
            // what was asked for, cut: a header of kilobytes is not echoed back whole
            String asked = version.length() > 64 ? version.substring(0, 64) + "…" : version;
            // the request's own id on the error (2026-07-28, SEP-2575), when the body is a request
            throw new McpException(400, ErrorCodes.UNSUPPORTED_PROTOCOL_VERSION, "Unsupported protocol version: "
                    + asked + " (supported: " + String.join(", ", families.versions()) + ")",
                    "POST".equals(method) ? requestId(exchange) : null,
                    java.util.Map.of("supported", families.versions(), "requested", asked));
        }
        exchange.setProperty(McpExchange.FAMILY, family.name()); // the endpoint route's one branch per family
        String accept = in.getHeader("Accept", String.class);
        if ("POST".equals(method)) {
            if (!accepts(accept, "application/json") || !accepts(accept, "text/event-stream")) {
                throw McpException.http(406, ErrorCodes.TRANSPORT_ERROR,
                        "Not Acceptable: the Accept header must list both application/json and text/event-stream");
            }
            String contentType = in.getHeader(Exchange.CONTENT_TYPE, String.class);
            if (contentType == null || !mediaType(contentType).equals("application/json")) {
                throw McpException.http(415, ErrorCodes.TRANSPORT_ERROR,
                        "Unsupported Media Type: the body must be application/json");
            }
            Long length = in.getHeader(Exchange.CONTENT_LENGTH, Long.class);
            if (length != null && length > maxRequestBytes) {
                throw McpException.http(413, ErrorCodes.INVALID_REQUEST,
                        "Request body of " + length + " bytes exceeds the gateway's limit of " + maxRequestBytes);
            }
        }
        String session = in.getHeader("Mcp-Session-Id", String.class);
        exchange.setProperty(McpExchange.HTTP_METHOD, method); // what the endpoint route branches on, as plain text
        exchange.setProperty(McpExchange.CONTEXT, new RequestContext(session, version,
                accepts(accept, "text/event-stream"), in.getHeader("Last-Event-ID", String.class),
                in.getHeader("Mcp-Method", String.class), in.getHeader("Mcp-Name", String.class),
                in.getHeader("traceparent", String.class), in.getHeader("tracestate", String.class)));
        if ("POST".equals(method)) {
            // a slow answer's SSE stream is opened by the bean that relays it, through this, not the HTTP response
            // (the response is taken now: a step that returns a value makes Camel replace the exchange's HTTP message)
            org.apache.camel.http.common.HttpMessage http = in instanceof org.apache.camel.http.common.HttpMessage h ? h : null;
            if (http != null) {
                jakarta.servlet.http.HttpServletResponse res = http.getResponse();
                exchange.setProperty(McpExchange.OPEN_STREAM, (Answer.StreamOpener) first -> Replies.openEventStream(res, first));
            }
        }
    }

    /** Parses the body as one JSON-RPC message and records its method and kind for dispatching. */
    /** The id of the request in the body, read only to answer it with an error; null if there is none to read. */
    private JsonNode requestId(Exchange exchange) {
        try {
            Object raw = exchange.getIn().getBody();
            JsonNode tree = raw instanceof java.io.Reader reader ? json.parseTree(reader)
                    : json.parseTree(exchange.getIn().getBody(InputStream.class));
            JsonNode id = tree.get("id");
            return id != null && (id.isTextual() || id.isIntegralNumber()) ? id : null;
        } catch (RuntimeException e) { // no body, not JSON, a batch: the error goes without an id
            return null;
        }
    }

    public void readMessage(Exchange exchange) {
        // a body handed over as a Reader is parsed as it is: asking Camel for an InputStream would first copy
        // the whole body into a String
        Object raw = exchange.getIn().getBody();
        JsonNode tree;
        if (raw instanceof java.io.Reader reader) {
            tree = json.parseTree(reader);
        } else {
            InputStream body = exchange.getIn().getBody(InputStream.class);
            if (body == null) {
                throw McpException.http(400, ErrorCodes.PARSE_ERROR, "Parse error: empty body");
            }
            tree = json.parseTree(body);
        }
        if (tree.isArray()) {
            exchange.setProperty(McpExchange.BATCH, batch(tree));
            exchange.setProperty(McpExchange.KIND, "BATCH");
            exchange.getIn().setBody(tree); // the servlet's stream is read: what a route step sees is the batch
            return;
        }
        JsonRpcMessage msg = json.validate(tree);
        if (!StatelessFamily.NAME.equals(exchange.getProperty(McpExchange.FAMILY))
                && msg.paramsObject().get("_meta") instanceof ObjectNode meta
                && meta.get(StatelessFamily.META_PROTOCOL_VERSION) instanceof JsonNode v
                && families.of(v.asText()) instanceof StatelessFamily) {
            // a stateless request without its MCP-Protocol-Version header (or with a session-based one)
            throw new McpException(400, ErrorCodes.HEADER_MISMATCH, "Header mismatch: MCP-Protocol-Version header value '"
                    + exchange.getProperty(McpExchange.CONTEXT, RequestContext.class).protocolVersion()
                    + "' does not match body value '" + v.asText() + "'", msg.id(), null);
        }
        enter(exchange, msg);
    }

    /**
     * Makes {@code msg} the message the following steps work on. The body becomes its JSON tree (the same object the
     * gateway forwards), so that a step a user adds to a route ({@code log: ${body}}, {@code filter},
     * {@code jsonpath}, {@code choice}) reads the message instead of the servlet's spent input stream.
     */
    public static void enter(Exchange exchange, JsonRpcMessage msg) {
        exchange.setProperty(McpExchange.MESSAGE, msg);
        exchange.setProperty(McpExchange.METHOD, msg.method());
        exchange.setProperty(McpExchange.KIND, msg.kind().name());
        exchange.getMessage().setBody(msg.raw());
    }

    /** The messages of a JSON-RPC batch (2025-03-26): each must be valid, and initialize may not be one. */
    private List<JsonRpcMessage> batch(JsonNode array) {
        if (array.isEmpty()) {
            throw McpException.http(400, ErrorCodes.INVALID_REQUEST, "Invalid Request: empty batch");
        }
        List<JsonRpcMessage> out = new java.util.ArrayList<>(array.size());
        for (JsonNode element : array) {
            JsonRpcMessage m = json.validate(element);
            if ("initialize".equals(m.method())) {
                throw McpException.http(400, ErrorCodes.INVALID_REQUEST, "Invalid Request: initialize cannot be part of a batch");
            }
            out.add(m);
        }
        return out;
    }

    private void checkOrigin(String origin) {
        if (origin == null || allowedOrigins.contains("*") || allowedOrigins.contains(origin)) {
            return;
        }
        try {
            String host = URI.create(origin).getHost();
            if (host != null && (host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]")
                    || host.equals("::1"))) {
                return;
            }
        } catch (IllegalArgumentException ignored) {
            // a malformed Origin is not a local one
        }
        throw McpException.http(403, ErrorCodes.TRANSPORT_ERROR, "Forbidden: Origin '" + origin + "' is not allowed");
    }

    static boolean accepts(String accept, String type) {
        if (accept == null) {
            return false;
        }
        String major = type.substring(0, type.indexOf('/'));
        for (String part : accept.split(",")) {
            String mt = mediaType(part);
            if (mt.equals(type) || mt.equals("*/*") || mt.equals(major + "/*")) {
                return true;
            }
        }
        return false;
    }

    private static String mediaType(String value) {
        int semi = value.indexOf(';');
        return (semi < 0 ? value : value.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }
}
