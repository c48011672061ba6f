package io.camelmcp.gateway.security;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.camelmcp.gateway.exchange.Answer;
import io.camelmcp.gateway.exchange.McpExchange;
import io.camelmcp.gateway.protocol.AnswerOutcome;
import io.camelmcp.gateway.protocol.ErrorCodes;
import io.camelmcp.gateway.protocol.JsonRpcMessage;
import io.camelmcp.gateway.protocol.McpException;
import io.camelmcp.gateway.protocol.SessionFamily;
import io.camelmcp.gateway.registry.RegistrySnapshot;
import io.camelmcp.gateway.session.ClientContext;
import io.camelmcp.gateway.session.Identity;
import io.camelmcp.gateway.upstream.EventChunks;

/**
 * The audit log: one JSON line per tool call on the logger {@code io.camelmcp.gateway.audit}, written once, when the
 * call is over: after the client has its whole answer (a relayed SSE stream to its end), whether the call was served,
 * failed, refused by the server's circuit breaker, denied or rate-limited. tools-call.yaml's first step,
 * {@link #begin}, ties the line to the exchange, which the servlet completes after writing the answer.
 *
 * <p>Fields: {@code identity} (its key, never the token), {@code address}, {@code server} (absent when the call was
 * never routed), {@code tool} (as the client named it), {@code outcome} ({@code ok}, {@code tool-error} (a result
 * with isError), {@code input-required} (a 2026-07-28 round trip), {@code error}, {@code refused} (breaker or bulkhead),
 * {@code denied}, {@code rate-limited}, {@code incomplete} (an answer that ended without a response: the client left
 * mid-stream)), {@code code} (the JSON-RPC error's), {@code limit} (which rate limit), {@code durationMs}, {@code id}
 * (the client's JSON-RPC id),
 * {@code request} (a 2026-07-28 request's id upstream, the gateway's own), {@code session} (a fingerprint of the 2025
 * session: the id itself would let a reader of the log use the session), {@code protocol};
 * {@code arguments} only with include-arguments.
 */
public class AuditLog {

    /** The logger's name: route it, or turn it off, in the logging configuration. */
    public static final String LOGGER = "io.camelmcp.gateway.audit";

    private static final Logger AUDIT = LoggerFactory.getLogger(LOGGER);
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);

    private final boolean enabled;
    private final boolean includeArguments;
    /** The application's mapper's factory: writes the arguments' tree as it is, without reflection. */
    private final JsonFactory factory;

    public AuditLog(AuditProperties props, ObjectMapper mapper) {
        this.enabled = Boolean.TRUE.equals(props.getEnabled());
        this.includeArguments = props.isIncludeArguments();
        this.factory = mapper.getFactory();
    }

    /** The first step of tools-call.yaml: the call's line is written when the exchange completes. */
    public void begin(Exchange exchange, @ExchangeProperty(McpExchange.MESSAGE) JsonRpcMessage msg) {
        if (!enabled || msg == null || !AUDIT.isInfoEnabled()) {
            return;
        }
        JsonNode tool = msg.paramsObject().get("name"); // now: routing renames it to the server's own
        exchange.getExchangeExtension().addOnCompletion(new Call(exchange, msg,
                tool != null && tool.isTextual() ? tool.textValue() : null, System.nanoTime()));
    }

    /** One call, until its exchange completes (the exchange of the call: in a batch, its own, not the batch's). */
    private final class Call extends SynchronizationAdapter {
        private final Exchange exchange;
        private final JsonRpcMessage msg;
        private final String tool;
        private final long started;
        private boolean written;

        Call(Exchange exchange, JsonRpcMessage msg, String tool, long started) {
            this.exchange = exchange;
            this.msg = msg;
            this.tool = tool;
            this.started = started;
        }

        @Override
        public void onDone(Exchange done) {
            synchronized (this) {
                if (written) {
                    return;
                }
                written = true;
            }
            try {
                AUDIT.info(line(exchange, msg, tool, System.nanoTime() - started));
            } catch (RuntimeException | IOException e) {
                LOG.warn("Audit line of tools/call {} not written: {}", msg.id(), e.toString());
            }
        }
    }

    /** @param tool the tool's name as the client sent it */
    String line(Exchange exchange, JsonRpcMessage msg, String tool, long nanos) throws IOException {
        Outcome outcome = outcome(exchange);
        Identity identity = exchange.getProperty(McpExchange.IDENTITY, Identity.ANONYMOUS, Identity.class);
        ClientContext client = exchange.getProperty(McpExchange.CLIENT, ClientContext.class);
        RegistrySnapshot.Entry server = exchange.getProperty(McpExchange.TARGET, RegistrySnapshot.Entry.class);
        String address = exchange.getProperty(McpExchange.REMOTE_ADDRESS, String.class);
        JsonNode params = msg.paramsObject();

        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = factory.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("method", "tools/call");
            g.writeStringField("identity", identity.key());
            if (address != null) {
                g.writeStringField("address", address);
            }
            if (server != null) {
                g.writeStringField("server", server.name());
            }
            if (tool != null) {
                g.writeStringField("tool", tool);
            }
            g.writeStringField("outcome", outcome.name);
            if (outcome.code != null) {
                g.writeNumberField("code", outcome.code);
            }
            if (outcome.limit != null) {
                g.writeStringField("limit", outcome.limit);
            }
            g.writeNumberField("durationMs", TimeUnit.NANOSECONDS.toMillis(nanos));
            // a 2026-07-28 client's request goes upstream under an id of the gateway's: both, to find it on either side
            JsonNode clientId = exchange.getProperty(McpExchange.CLIENT_REQUEST_ID, JsonNode.class);
            JsonNode id = clientId != null ? clientId : msg.id();
            if (id != null) {
                g.writeFieldName("id");
                g.writeTree(id);
            }
            if (clientId != null && msg.id() != null) {
                g.writeFieldName("request");
                g.writeTree(msg.id());
            }
            // a 2026-07-28 client has no session (its ClientContext names the gateway's pool of upstream sessions)
            if (client != null && client.sessionId() != null
                    && SessionFamily.NAME.equals(exchange.getProperty(McpExchange.FAMILY))) {
                g.writeStringField("session", fingerprint(client.sessionId()));
            }
            if (client != null && client.protocolVersion() != null) {
                g.writeStringField("protocol", client.protocolVersion());
            }
            if (includeArguments && params.has("arguments")) {
                g.writeFieldName("arguments");
                g.writeTree(params.get("arguments"));
            }
            g.writeEndObject();
        }
        return out.toString();
    }

    /** How the call ended: name, error code, rate limit. */
    record Outcome(String name, Integer code, String limit) {
        static final Outcome OK = new Outcome("ok", null, null);
        static final Outcome TOOL_ERROR = new Outcome("tool-error", null, null);
        static final Outcome INPUT_REQUIRED = new Outcome("input-required", null, null);
        static final Outcome INCOMPLETE = new Outcome("incomplete", null, null);
    }

    /**
     * From what the client got (the error handler renders every failure as a JSON-RPC error into the body), and, for an
     * error, from the exception that made it: a rate limit, the breaker's refusal, the authorization's.
     */
    Outcome outcome(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        if (body instanceof Answer.Json j) {
            body = j.body();
        }
        Outcome o;
        if (body instanceof byte[] bytes) {
            o = read(bytes);
        } else if (body instanceof JsonNode tree) { // a batch's element
            o = of(tree);
        } else if (body instanceof EventChunks events) { // an SSE answer: its last event is the response
            o = event(events.lastEvent());
        } else {
            o = Outcome.INCOMPLETE;
        }
        if (o.code == null && o != Outcome.INCOMPLETE) {
            return o;
        }
        Exception caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (caught == null) {
            caught = exchange.getException();
        }
        if (caught instanceof RateLimited r && r.data() instanceof Map<?, ?> data) {
            return new Outcome("rate-limited", r.code(), String.valueOf(data.get("limit")));
        }
        if (caught instanceof McpException m) {
            if (m.code() == ErrorCodes.NOT_PERMITTED) {
                return new Outcome("denied", m.code(), null);
            }
            if (m.data() instanceof Map<?, ?> data && data.containsKey("breaker")) {
                return new Outcome("refused", m.code(), null);
            }
            return o.code == null ? new Outcome("error", m.code(), null) : o;
        }
        return o;
    }

    private static Outcome of(JsonNode response) {
        JsonNode error = response.get("error");
        if (error != null) {
            return new Outcome("error", error.path("code").asInt(), null);
        }
        JsonNode result = response.path("result");
        if (result.path("isError").asBoolean(false)) {
            return Outcome.TOOL_ERROR;
        }
        return "input_required".equals(result.path("resultType").asText()) ? Outcome.INPUT_REQUIRED : Outcome.OK;
    }

    /** The JSON of one framed SSE event ({@code id: ...\nevent: message\ndata: {...}\n\n}: one data line). */
    private Outcome event(byte[] frame) {
        if (frame == null) {
            return Outcome.INCOMPLETE;
        }
        for (int i = 0; i + 5 <= frame.length; i++) {
            if ((i == 0 || frame[i - 1] == '\n') && frame[i] == 'd' && frame[i + 1] == 'a' && frame[i + 2] == 't'
                    && frame[i + 3] == 'a' && frame[i + 4] == ':') {
                return read(frame, i + 5, frame.length - i - 5);
            }
        }
        return Outcome.INCOMPLETE;
    }

    private Outcome read(byte[] body) {
        return read(body, 0, body.length);
    }

    /** The same from the answer's bytes (see AnswerOutcome): no tree; the result's contents are skipped, not built. */
    private Outcome read(byte[] body, int offset, int length) {
        AnswerOutcome a = AnswerOutcome.read(factory, body, offset, length);
        return switch (a.kind()) {
            case OK -> Outcome.OK;
            case TOOL_ERROR -> Outcome.TOOL_ERROR;
            case INPUT_REQUIRED -> Outcome.INPUT_REQUIRED;
            case ERROR -> new Outcome("error", a.code() == null ? 0 : a.code(), null);
            case NO_ANSWER, NOT_JSON -> Outcome.INCOMPLETE;
        };
    }

    /** The first 16 hex digits of the id's SHA-256: the same session's lines go together, the id is not in the log. */
    static String fingerprint(String id) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
