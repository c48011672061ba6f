package io.camelmcp.gateway.tracing;

import java.util.HashMap;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.camelmcp.gateway.exchange.Answer;
import io.camelmcp.gateway.exchange.McpExchange;
import io.camelmcp.gateway.exchange.RequestContext;
import io.camelmcp.gateway.protocol.AnswerOutcome;
import io.camelmcp.gateway.protocol.JsonRpcMessage;
import io.camelmcp.gateway.registry.RegistrySnapshot;
import io.camelmcp.gateway.session.ClientContext;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;

/**
 * OpenTelemetry spans of the MCP traffic, named and attributed as the semantic conventions for MCP say: one SERVER
 * span per client request or notification on /mcp ({@code tools/call get-sum}), one CLIENT span per call the gateway
 * sends to a server, its child. The W3C trace context goes upstream in the HTTP headers {@code traceparent} /
 * {@code tracestate} and in {@code params._meta} (the 2026-07-28 revision's place for it; sent to 2025 servers too,
 * where {@code _meta} is free). A client's context is taken from {@code params._meta} when it has one (the MCP SDKs
 * put it there), else from its HTTP headers.
 * <p>
 * Without an exporter (no {@code management.otlp.tracing.endpoint}) nothing is recorded: the client's context, when
 * it sent one, is passed upstream unchanged, so the servers' spans join the client's trace directly instead of
 * hanging off gateway spans nobody receives. A request without trace context then costs one property lookup.
 */
public class McpTracing {

    /** The context the request's children (the upstream calls) start from: the server span's, or the client's own. */
    public static final String CONTEXT = "mcpTraceContext";
    private static final String SERVER_SPAN = "mcpTraceSpan";
    private static final String CALL_SPAN = "mcpTraceCallSpan";
    static final String TRACEPARENT = "traceparent";
    static final String TRACESTATE = "tracestate";

    static final AttributeKey<String> METHOD = AttributeKey.stringKey("mcp.method.name");
    static final AttributeKey<String> SESSION = AttributeKey.stringKey("mcp.session.id");
    static final AttributeKey<String> VERSION = AttributeKey.stringKey("mcp.protocol.version");
    static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("jsonrpc.request.id");
    static final AttributeKey<String> TOOL = AttributeKey.stringKey("gen_ai.tool.name");
    static final AttributeKey<String> PROMPT = AttributeKey.stringKey("gen_ai.prompt.name");
    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    static final AttributeKey<String> RESOURCE = AttributeKey.stringKey("mcp.resource.uri");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> RPC_STATUS = AttributeKey.stringKey("rpc.response.status_code");
    static final AttributeKey<String> TRANSPORT = AttributeKey.stringKey("network.transport");
    static final AttributeKey<String> PROTOCOL = AttributeKey.stringKey("network.protocol.name");
    static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
    /** The registered name of the server a call went to (the gateway's own attribute). */
    static final AttributeKey<String> GATEWAY_SERVER = AttributeKey.stringKey("mcp.gateway.server");

    private static final JsonFactory JSON = new JsonFactory();

    private final Tracer tracer;
    private final TextMapPropagator propagator;
    private final boolean recording;

    /**
     * @param tracer     the tracer of the OpenTelemetry SDK Spring Boot configured (its sampler decides), or null
     * @param propagator how contexts are read and written (W3C trace context)
     * @param recording  whether spans go anywhere (an exporter is configured); if not, contexts are only passed on
     */
    public McpTracing(Tracer tracer, TextMapPropagator propagator, boolean recording) {
        this.tracer = tracer;
        this.propagator = propagator;
        this.recording = recording && tracer != null;
    }

    /** Whether spans are made (an exporter is configured), not only contexts passed on. */
    public boolean recording() {
        return recording;
    }

    /**
     * The endpoint's step once a POST's message is read: the client's context, and a SERVER span for a request or a
     * notification (a response to a server's request belongs to that request's trace).
     */
    public void serverSpan(Exchange exchange, @ExchangeProperty(McpExchange.MESSAGE) JsonRpcMessage msg,
                           @ExchangeProperty(McpExchange.CONTEXT) RequestContext http) {
        if (msg == null) {
            return; // a batch: its messages are not traced one by one
        }
        Context parent = clientContext(msg, http);
        if (!recording || msg.kind() == JsonRpcMessage.Kind.RESPONSE) {
            if (parent != null) {
                exchange.setProperty(CONTEXT, parent);
            }
            return;
        }
        String method = msg.method();
        SpanBuilder b = tracer.spanBuilder(spanName(msg)).setSpanKind(SpanKind.SERVER)
                .setParent(parent == null ? Context.root() : parent)
                .setAttribute(METHOD, method).setAttribute(TRANSPORT, "tcp").setAttribute(PROTOCOL, "http");
        attributes(b, msg);
        if (msg.id() != null && !msg.id().isNull()) {
            b.setAttribute(REQUEST_ID, msg.id().asText());
        }
        if (http != null) {
            if (http.sessionId() != null) {
                b.setAttribute(SESSION, http.sessionId());
            }
        }
        Span span = b.startSpan();
        exchange.setProperty(SERVER_SPAN, span);
        exchange.setProperty(CONTEXT, (parent == null ? Context.root() : parent).with(span));
    }

    /**
     * Ends the request's span once its answer is written (the servlet's last act): an error answer, an HTTP error or
     * a tool result with {@code isError} sets {@code error.type} and the error status.
     */
    public void end(Exchange exchange, int httpStatus) {
        Object s = exchange.removeProperty(SERVER_SPAN);
        if (!(s instanceof Span span)) {
            return;
        }
        String error = outcome(exchange);
        if (error == null && httpStatus >= 400) {
            error = Integer.toString(httpStatus); // an HTTP error without a JSON-RPC one (the transport's checks)
        }
        // the revision the client speaks: its session's (known once the session was found), else its header's
        ClientContext client = exchange.getProperty(McpExchange.CLIENT, ClientContext.class);
        RequestContext http = exchange.getProperty(McpExchange.CONTEXT, RequestContext.class);
        String version = client != null ? client.protocolVersion() : http != null ? http.protocolVersion() : null;
        if (version != null) {
            span.setAttribute(VERSION, version);
        }
        failed(span, error);
        span.end();
    }

    /**
     * The server-call route's first step: a CLIENT span for the call to the server (child of the request's span),
     * and its context written into the request for the server: HTTP headers (as any header a route sets, see
     * docs/routes.md) and {@code params._meta}.
     */
    public void startCall(Exchange exchange, @ExchangeProperty(McpExchange.MESSAGE) JsonRpcMessage msg,
                          @ExchangeProperty(McpExchange.CLIENT) ClientContext client,
                          @ExchangeProperty(McpExchange.TARGET) RegistrySnapshot.Entry server) {
        if (msg == null || server == null) {
            return;
        }
        Object c = exchange.getProperty(CONTEXT);
        // none: a message of a batch, whose request as a whole has no span; its own _meta may carry a context
        Context parent = c instanceof Context ctx ? ctx : clientContext(msg, null);
        Context context = parent;
        if (recording) {
            boolean stdio = server.registration().transport().kind() == io.camelmcp.gateway.registry.UpstreamTransport.Kind.STDIO;
            SpanBuilder b = tracer.spanBuilder(spanName(msg)).setSpanKind(SpanKind.CLIENT)
                    .setParent(parent == null ? Context.root() : parent)
                    .setAttribute(METHOD, msg.method()).setAttribute(GATEWAY_SERVER, server.name())
                    .setAttribute(TRANSPORT, stdio ? "pipe" : "tcp");
            if (!stdio) { // a stdio server is reached over its process's pipes
                b.setAttribute(PROTOCOL, "http");
            }
            attributes(b, msg);
            if (msg.id() != null && !msg.id().isNull()) {
                b.setAttribute(REQUEST_ID, msg.id().asText());
            }
            java.net.URI url = server.registration().url();
            if (url != null && url.getHost() != null) {
                b.setAttribute(SERVER_ADDRESS, url.getHost());
                int port = url.getPort() >= 0 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
                b.setAttribute(SERVER_PORT, (long) port);
            }
            if (client != null && client.protocolVersion() != null) {
                b.setAttribute(VERSION, client.protocolVersion());
            }
            Span span = b.startSpan();
            exchange.setProperty(CALL_SPAN, span);
            context = (parent == null ? Context.root() : parent).with(span);
        }
        if (context == null || !Span.fromContext(context).getSpanContext().isValid()) {
            return;
        }
        Map<String, String> carrier = new HashMap<>(4);
        propagator.inject(context, carrier, Map::put);
        ObjectNode meta = null;
        for (Map.Entry<String, String> e : carrier.entrySet()) {
            exchange.getMessage().setHeader(e.getKey(), e.getValue());
            if (meta == null) {
                meta = meta(msg);
            }
            meta.put(e.getKey(), e.getValue());
        }
        if (meta != null && !carrier.containsKey(TRACESTATE)) {
            meta.remove(TRACESTATE); // a client's own tracestate belongs to the context it came with, not to this one
        }
    }

    /**
     * The server-call route's last step, however the call ended: the outcome as the call metrics saw it (their step
     * runs first and leaves it on the exchange; read here only without them).
     */
    public void endCall(Exchange exchange) {
        Object s = exchange.removeProperty(CALL_SPAN);
        if (!(s instanceof Span span)) {
            return;
        }
        failed(span, outcome(exchange));
        span.end();
    }

    /**
     * The {@code error.type} of what the exchange ended with, null for a success: the server call's, as the call
     * metrics' step read it (the server's answer, read once already), unless a failure came after; else the exception
     * or the JSON answer (its bytes once rendered, the Answer before).
     */
    private static String outcome(Exchange exchange) {
        Exception failure = caught(exchange);
        if (failure == null && exchange.getProperty(McpExchange.CALL_OUTCOME) instanceof String type) {
            return AnswerOutcome.NONE.equals(type) ? null : type;
        }
        Object body = exchange.getMessage().getBody();
        byte[] json = body instanceof byte[] b ? b : body instanceof Answer.Json j ? j.body() : null;
        JsonRpcMessage msg = exchange.getProperty(McpExchange.MESSAGE, JsonRpcMessage.class);
        return AnswerOutcome.errorType(failure, json, msg != null && "tools/call".equals(msg.method()), JSON);
    }

    private static void failed(Span span, String error) {
        if (error != null) {
            span.setAttribute(ERROR_TYPE, error);
            if (error.startsWith("-")) { // a JSON-RPC error code (they are negative), not an HTTP status
                span.setAttribute(RPC_STATUS, error);
            }
            span.setStatus(StatusCode.ERROR);
        }
    }

    private static Exception caught(Exchange exchange) {
        return exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
    }

    /** The client's trace context: in {@code params._meta}, else in the HTTP headers; null when it sent none. */
    private Context clientContext(JsonRpcMessage msg, RequestContext http) {
        JsonNode meta = msg.params() == null ? null : msg.params().get("_meta");
        if (meta != null && meta.hasNonNull(TRACEPARENT)) {
            return valid(propagator.extract(Context.root(), meta, META));
        }
        if (http != null && http.traceparent() != null) {
            return valid(propagator.extract(Context.root(), http, HEADERS));
        }
        return null;
    }

    private static Context valid(Context c) {
        return Span.fromContext(c).getSpanContext().isValid() ? c : null;
    }

    /** {@code {mcp.method.name} {target}}: the tool or prompt, when the request names one. */
    private static String spanName(JsonRpcMessage msg) {
        String method = msg.method() == null ? "response" : msg.method();
        if ("tools/call".equals(method) || "prompts/get".equals(method)) {
            String name = msg.paramsObject().path("name").asText("");
            return name.isEmpty() ? method : method + ' ' + name;
        }
        return method;
    }

    private static void attributes(SpanBuilder b, JsonRpcMessage msg) {
        String method = msg.method();
        if (method == null) {
            return;
        }
        switch (method) {
            case "tools/call" -> b.setAttribute(TOOL, msg.paramsObject().path("name").asText(""))
                    .setAttribute(OPERATION, "execute_tool");
            case "prompts/get" -> b.setAttribute(PROMPT, msg.paramsObject().path("name").asText(""));
            case "resources/read", "resources/subscribe", "resources/unsubscribe" ->
                    b.setAttribute(RESOURCE, msg.paramsObject().path("uri").asText(""));
            default -> { }
        }
    }

    /** The request's {@code params._meta}, made when missing. */
    private static ObjectNode meta(JsonRpcMessage msg) {
        ObjectNode raw = msg.raw();
        JsonNode p = raw.get("params");
        ObjectNode params = p instanceof ObjectNode o ? o : raw.putObject("params");
        JsonNode m = params.get("_meta");
        return m instanceof ObjectNode o ? o : params.putObject("_meta");
    }

    private static final TextMapGetter<JsonNode> META = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(JsonNode carrier) {
            return carrier::fieldNames;
        }

        @Override
        public String get(JsonNode carrier, String key) {
            JsonNode v = carrier == null ? null : carrier.get(key);
            return v != null && v.isTextual() ? v.asText() : null;
        }
    };

    private static final TextMapGetter<RequestContext> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(RequestContext carrier) {
            return java.util.List.of(TRACEPARENT, TRACESTATE);
        }

        @Override
        public String get(RequestContext carrier, String key) {
            if (carrier == null) {
                return null;
            }
            return TRACEPARENT.equals(key) ? carrier.traceparent() : TRACESTATE.equals(key) ? carrier.tracestate() : null;
        }
    };
}
