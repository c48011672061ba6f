package io.camelmcp.gateway.endpoint;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.camelmcp.gateway.exchange.Answer;
import io.camelmcp.gateway.exchange.McpExchange;
import io.camelmcp.gateway.exchange.RequestContext;
import io.camelmcp.gateway.federation.Catalog;
import io.camelmcp.gateway.protocol.ErrorCodes;
import io.camelmcp.gateway.protocol.JsonRpc;
import io.camelmcp.gateway.protocol.JsonRpcMessage;
import io.camelmcp.gateway.protocol.McpException;
import io.camelmcp.gateway.protocol.ProtocolFamilies;
import io.camelmcp.gateway.protocol.ProtocolFamily;
import io.camelmcp.gateway.protocol.StatelessFamily;
import io.camelmcp.gateway.protocol.StatelessResults;
import io.camelmcp.gateway.protocol.TasksExtension;
import io.camelmcp.gateway.session.ClientContext;
import io.camelmcp.gateway.session.GatewaySession;
import io.camelmcp.gateway.session.Identity;
import io.camelmcp.gateway.session.SessionStore;
import io.camelmcp.gateway.session.SharedSecret;
import io.camelmcp.gateway.upstream.UpstreamSessions;

/**
 * The stateless revision on /mcp (2026-07-28, mcp-2026.yaml): every request stands alone. Its headers must say what
 * its body says ({@code MCP-Protocol-Version}, {@code Mcp-Method}, {@code Mcp-Name}: -32020), its {@code _meta} must
 * name the revision and the client's capabilities (-32602); {@code server/discover} is answered here; every answer
 * gets what the revision adds to results.
 * <p>
 * Upstreams of the session-based revisions need sessions: the gateway keeps them itself, one per server for each
 * (identity, relayed capabilities) pair, under a pooled gateway session whose id is a MAC of that pair with the
 * replicas' shared key (unguessable, the same at every replica). Clients of one identity that declare the same
 * capabilities share those upstream sessions, so a handle a tool returned stays valid for the next call.
 */
public class McpStateless {

    private final SessionStore store;
    private final JsonRpc json;
    private final StatelessResults results;
    private final SharedSecret secret;
    private final Catalog catalog;
    private final String instructions;
    private final ProtocolFamily family;
    /** Pool ids by (identity, canonical relayed capabilities): a finite set (the capabilities' canonical forms). */
    private final Map<String, String> poolIds = new ConcurrentHashMap<>();

    public McpStateless(SessionStore store, JsonRpc json, StatelessResults results, SharedSecret secret, Catalog catalog) {
        this.store = store;
        this.json = json;
        this.results = results;
        this.secret = secret;
        this.catalog = catalog;
        this.instructions = McpSessions.INSTRUCTIONS;
        this.family = ProtocolFamilies.SUPPORTED.of(io.camelmcp.gateway.protocol.McpVersions.V2026_07_28);
    }

    /**
     * The checks of a stateless request and its client context: the revision and capabilities from {@code _meta},
     * the headers against the body, the pooled session its upstream sessions live under.
     */
    public void require(Exchange exchange, @ExchangeProperty(McpExchange.KIND) String kind,
                        @ExchangeProperty(McpExchange.CONTEXT) RequestContext ctx) {
        if ("BATCH".equals(kind)) {
            throw McpException.http(400, ErrorCodes.INVALID_REQUEST, "Invalid Request: 2026-07-28 has no JSON-RPC batches");
        }
        JsonRpcMessage msg = exchange.getProperty(McpExchange.MESSAGE, JsonRpcMessage.class);
        if (msg.kind() == JsonRpcMessage.Kind.RESPONSE) {
            // server-to-client requests are InputRequiredResults in this revision: there is nothing to answer
            throw McpException.http(400, ErrorCodes.INVALID_REQUEST,
                    "Invalid Request: a 2026-07-28 client sends no JSON-RPC responses (input goes in inputResponses)");
        }
        ObjectNode meta = msg.paramsObject().get("_meta") instanceof ObjectNode m ? m : null;
        JsonNode version = meta == null ? null : meta.get(StatelessFamily.META_PROTOCOL_VERSION);
        if (version == null || !version.isTextual()) {
            throw invalid(msg, "Invalid params: _meta." + StatelessFamily.META_PROTOCOL_VERSION + " is required");
        }
        if (!version.textValue().equals(ctx.protocolVersion())) {
            throw mismatch(msg, "Header mismatch: MCP-Protocol-Version header value '" + ctx.protocolVersion()
                    + "' does not match body value '" + version.textValue() + "'");
        }
        JsonNode caps = meta.get(StatelessFamily.META_CLIENT_CAPABILITIES);
        if (caps == null || !caps.isObject()) {
            throw invalid(msg, "Invalid params: _meta." + StatelessFamily.META_CLIENT_CAPABILITIES + " is required");
        }
        if (msg.isRequest()) {
            checkHeaders(msg, ctx);
        }
        if (msg.isRequest()) {
            // the pooled upstream sessions are shared: the request goes up under an id of the gateway's, unique in them
            exchange.setProperty(McpExchange.CLIENT_REQUEST_ID, msg.id());
            ObjectNode raw = msg.raw();
            raw.put("id", upstreamId());
            McpTransport.enter(exchange, new JsonRpcMessage(msg.kind(), raw.get("id"), msg.method(), msg.params(), raw));
        }
        JsonNode clientInfo = meta.get(StatelessFamily.META_CLIENT_INFO);
        Identity identity = McpSessions.identity(exchange);
        GatewaySession pool = pool(identity, caps);
        exchange.setProperty(McpExchange.SESSION, pool);
        exchange.setProperty(McpExchange.CLIENT, new ClientContext(pool.id(), version.textValue(), caps,
                clientInfo != null && clientInfo.isObject() ? clientInfo : null, identity, family));
    }

    private final String replicaTag = newTag();
    private final java.util.concurrent.atomic.AtomicLong upstreamIds = new java.util.concurrent.atomic.AtomicLong();

    private String upstreamId() {
        return "gw-" + replicaTag + "-" + upstreamIds.incrementAndGet();
    }

    private static String newTag() {
        byte[] b = new byte[6];
        new java.security.SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** Mcp-Method on every request; Mcp-Name on those that name a tool, prompt or resource (transport: validation). */
    private void checkHeaders(JsonRpcMessage msg, RequestContext ctx) {
        if (ctx.mcpMethod() == null) {
            throw mismatch(msg, "Header mismatch: the Mcp-Method header is required");
        }
        if (!ctx.mcpMethod().equals(msg.method())) {
            throw mismatch(msg, "Header mismatch: Mcp-Method header value '" + ctx.mcpMethod()
                    + "' does not match body value '" + msg.method() + "'");
        }
        String field = switch (msg.method()) {
            case "tools/call", "prompts/get" -> "name";
            case "resources/read" -> "uri";
            case "tasks/get", "tasks/update", "tasks/cancel" -> "taskId"; // SEP-2663: routing intermediaries see the task
            default -> null;
        };
        if (field == null) {
            return;
        }
        JsonNode value = msg.paramsObject().get(field);
        if (ctx.mcpName() == null) {
            throw mismatch(msg, "Header mismatch: the Mcp-Name header is required for " + msg.method());
        }
        String header = decoded(ctx.mcpName(), msg);
        if (value == null || !value.isTextual() || !header.equals(value.textValue())) {
            throw mismatch(msg, "Header mismatch: Mcp-Name header value '" + header + "' does not match body value '"
                    + (value == null ? "" : value.asText()) + "'");
        }
    }

    /** A header value in the {@code =?base64?…?=} sentinel form decoded, any other as it is. */
    static String decoded(String header, JsonRpcMessage msg) {
        if (header.startsWith("=?base64?") && header.endsWith("?=") && header.length() >= 11) {
            try {
                return new String(Base64.getDecoder().decode(header.substring(9, header.length() - 2)),
                        StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw mismatch(msg, "Header mismatch: Mcp-Name is not valid base64 in its =?base64?...?= form");
            }
        }
        return header;
    }

    /** The pooled gateway session of an identity and capability form, created on first use (by any replica). */
    private GatewaySession pool(Identity identity, JsonNode caps) {
        ObjectNode relayed = UpstreamSessions.relayedCapabilities(caps, json.object());
        String form = identity.key() + '\n' + relayed;
        String id = poolIds.computeIfAbsent(form, f -> "stateless-" + mac(f));
        GatewaySession session = store.find(id);
        if (session == null) {
            session = new GatewaySession(id, io.camelmcp.gateway.protocol.McpVersions.V2026_07_28, relayed, null,
                    Instant.now(), identity.anonymous() ? null : identity.key());
            store.create(session);
        }
        return session;
    }

    private String mac(String form) {
        byte[] digest = SharedSecret.hmac(secret.key(), form.getBytes(StandardCharsets.UTF_8));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, 24));
    }

    /** server/discover: the revisions the gateway speaks, its merged capabilities, who it is. */
    public Answer discover(@ExchangeProperty(McpExchange.MESSAGE) JsonRpcMessage msg) {
        ObjectNode result = json.object();
        ArrayNode versions = result.putArray("supportedVersions");
        ProtocolFamilies.SUPPORTED.versions().forEach(versions::add);
        ObjectNode caps = result.putObject("capabilities");
        caps.putObject("tools").put("listChanged", true);
        if (!catalog.serversWith("prompts").isEmpty()) {
            caps.putObject("prompts").put("listChanged", true);
        }
        if (!catalog.serversWith("resources").isEmpty()) {
            caps.putObject("resources").put("subscribe", true).put("listChanged", true);
        }
        if (!catalog.serversWith("completions").isEmpty()) {
            caps.putObject("completions");
        }
        if (!catalog.serversWith("logging").isEmpty()) {
            caps.putObject("logging");
        }
        if (!catalog.serversWithExtension(TasksExtension.ID).isEmpty()) {
            // passed through: a server of the extension may answer a call with a task; tasks/* reach it
            caps.putObject("extensions").putObject(TasksExtension.ID);
        }
        result.put("instructions", instructions);
        return Answer.json(json.write(json.result(msg.id(), result)));
    }

    /**
     * tasks/get, tasks/update, tasks/cancel: a client that did not declare the tasks extension in this request has no
     * tasks to name (SEP-2663): 400 with -32021 and the capability it lacks.
     */
    public void requireTasks(@ExchangeProperty(McpExchange.MESSAGE) JsonRpcMessage msg,
                             @ExchangeProperty(McpExchange.CLIENT) ClientContext client) {
        if (!TasksExtension.declared(client.clientCapabilities())) {
            ObjectNode data = json.object();
            data.putObject("requiredCapabilities").putObject("extensions").putObject(TasksExtension.ID);
            throw new McpException(400, ErrorCodes.MISSING_CLIENT_CAPABILITY, "Missing required client capability: "
                    + msg.method() + " needs the " + TasksExtension.ID + " extension", msg.id(), data);
        }
    }

    /** The last step for a stateless client: the answer completed as its revision has it (see StatelessResults). */
    public void complete(Exchange exchange, @ExchangeProperty(McpExchange.METHOD) String method) {
        if (exchange.getMessage().getBody() instanceof Answer.Json j && j.body().length > 0 && j.body()[0] == '{') {
            try {
                JsonNode answer = json.read(j.body());
                JsonNode clientId = exchange.getProperty(McpExchange.CLIENT_REQUEST_ID, JsonNode.class);
                if (clientId != null && answer instanceof ObjectNode o && o.has("id")) {
                    o.set("id", clientId);
                }
                exchange.getMessage().setBody(new Answer.Json(j.status(), json.write(results.complete(method, answer))));
            } catch (java.io.IOException notJson) {
                // passed on as it is
            }
        }
    }

    /** Methods of the session-based revisions that 2026-07-28 removed: 404 with -32601, as for any unknown method. */
    public void removed(@ExchangeProperty(McpExchange.MESSAGE) JsonRpcMessage msg) {
        throw new McpException(404, ErrorCodes.METHOD_NOT_FOUND, "Method not found: " + msg.method()
                + " is not part of protocol revision 2026-07-28", msg.id(), null);
    }

    /** GET and DELETE: 2026-07-28 has no GET stream and no sessions to end. */
    public void methodNotAllowed(Exchange exchange) {
        exchange.getMessage().removeHeaders("*");
        Replies.json(exchange, 405, json.write(json.error(null, ErrorCodes.TRANSPORT_ERROR,
                "Method Not Allowed: 2026-07-28 clients POST every message (subscriptions/listen replaces the GET stream)",
                null)));
        exchange.getMessage().setHeader("Allow", "POST");
    }

    private static McpException invalid(JsonRpcMessage msg, String message) {
        return new McpException(400, ErrorCodes.INVALID_PARAMS, message, msg.id(), null);
    }

    private static McpException mismatch(JsonRpcMessage msg, String message) {
        return new McpException(400, ErrorCodes.HEADER_MISMATCH, message, msg.id(), null);
    }
}
