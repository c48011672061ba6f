package io.camelmcp.gateway.relay;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;

import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.camelmcp.gateway.exchange.McpExchange;
import io.camelmcp.gateway.exchange.Answer;
import io.camelmcp.gateway.registry.ResourceUris;
import io.camelmcp.gateway.protocol.ErrorCodes;
import io.camelmcp.gateway.protocol.JsonRpc;
import io.camelmcp.gateway.protocol.JsonRpcMessage;
import io.camelmcp.gateway.protocol.McpException;
import io.camelmcp.gateway.protocol.TasksExtension;
import io.camelmcp.gateway.registry.RegistrySnapshot;
import io.camelmcp.gateway.registry.ServerRegistry;
import io.camelmcp.gateway.session.ClientContext;
import io.camelmcp.gateway.session.ClientRequestKey;
import io.camelmcp.gateway.session.PendingRequest;
import io.camelmcp.gateway.session.RelayStores;
import io.camelmcp.gateway.session.ReplicaBus;
import io.camelmcp.gateway.session.ReplicaMessage;
import io.camelmcp.gateway.session.ServerRequestKey;
import io.camelmcp.gateway.session.TaskKey;
import io.camelmcp.gateway.session.UpstreamRequestKey;
import io.camelmcp.gateway.upstream.UpstreamSessions;

/**
 * What passes between an upstream and the client in the server-to-client direction, and back:
 * <ul>
 * <li>a server request (elicitation, sampling, roots, ping) goes to the client under an id of the gateway's
 * own, unguessable and unique across upstreams; the client's answer is mapped back to the upstream's id
 * and posted in the upstream session it came from. A request the client did not declare support for is
 * answered to the upstream with an error and never reaches the client;</li>
 * <li>progress tokens the gateway handed upstream are mapped back to the client's own;</li>
 * <li>a client's notifications/cancelled reaches the server that runs the request, from whichever replica.</li>
 * </ul>
 */
public class ServerMessages {

    private static final Logger LOG = LoggerFactory.getLogger(ServerMessages.class);

    private final UpstreamSessions upstreams;
    private final ServerRegistry registry;
    private final RelayStores stores;
    private final JsonRpc json;
    private final Duration requestTtl;
    private final SecureRandom random = new SecureRandom();

    private final ReplicaBus bus;
    /** Inputs modern servers asked for, sent to 2025 clients as server requests (MRTR bridging). */
    private final InputRequests inputRequests;

    public ServerMessages(UpstreamSessions upstreams, ServerRegistry registry, RelayStores stores, JsonRpc json,
                          Duration requestTtl, ReplicaBus bus) {
        this.bus = bus;
        bus.subscribe(this::onReplicaMessage);
        this.upstreams = upstreams;
        this.registry = registry;
        this.stores = stores;
        this.json = json;
        this.requestTtl = requestTtl;
        this.inputRequests = new InputRequests(stores, bus, requestTtl);
    }

    /** The inputs modern servers asked for that 2025 clients are answering (see {@link InputRequiredRelay}). */
    public InputRequests inputRequests() {
        return inputRequests;
    }

    // ---- requests going up ------------------------------------------------------------------------------

    /**
     * Before a client's request goes upstream: its progress token is replaced by one of the gateway's, which
     * carries the client's own and the server's name (no store to share between replicas: whichever replica reads
     * the progress maps it back), and the request is remembered as running on that server, here, for cancellation.
     * Returns what {@link #finished} needs to clean up.
     */
    public Running started(ClientContext gs, RegistrySnapshot.Entry server, JsonRpcMessage msg) {
        JsonNode meta = msg.paramsObject().get("_meta");
        if (meta instanceof ObjectNode m && m.get("progressToken") != null && !m.get("progressToken").isNull()) {
            m.put("progressToken", progressToken(gs.sessionId(), server.name(), m.get("progressToken")));
        }
        ClientRequestKey running = new ClientRequestKey(gs.sessionId(), msg.id());
        stores.runningOn().put(running, server.name(), requestTtl);
        return new Running(running);
    }

    /** What a running request holds in the relay's stores. */
    public record Running(ClientRequestKey request) {}

    public void finished(Running r) {
        stores.runningOn().remove(r.request());
    }

    private static final String TOKEN_PREFIX = "gw-pt-";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    /**
     * The gateway's progress token for a client's: "gw-pt-" + the server's name + "." + the client's token (JSON) +
     * "." + a MAC of both keyed by the gateway session's id, base64url. The session id is a secret every replica knows
     * and no upstream sees, so a server can neither forge a token for another server nor one for another request.
     */
    String progressToken(String sessionId, String server, JsonNode clientToken) {
        byte[] name = server.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] token = json.write(clientToken);
        return TOKEN_PREFIX + B64.encodeToString(name) + "." + B64.encodeToString(token) + "."
                + B64.encodeToString(mac(sessionId, name, token));
    }

    /** The client's token inside a gateway token of this session and server; null for any other token. */
    JsonNode clientToken(String sessionId, String server, JsonNode token) {
        if (token == null || !token.isTextual() || !token.textValue().startsWith(TOKEN_PREFIX)) {
            return null;
        }
        String[] parts = token.textValue().substring(TOKEN_PREFIX.length()).split("\\.", -1);
        if (parts.length != 3) {
            return null;
        }
        try {
            Base64.Decoder d = Base64.getUrlDecoder();
            byte[] name = d.decode(parts[0]);
            byte[] value = d.decode(parts[1]);
            boolean ours = java.security.MessageDigest.isEqual(mac(sessionId, name, value), d.decode(parts[2]))
                    && new String(name, java.nio.charset.StandardCharsets.UTF_8).equals(server);
            return ours ? json.read(value) : null;
        } catch (java.io.IOException | RuntimeException e) {
            return null; // not one of ours
        }
    }

    private static byte[] mac(String sessionId, byte[] server, byte[] token) {
        return java.util.Arrays.copyOf(io.camelmcp.gateway.session.SharedSecret.hmac(
                sessionId.getBytes(java.nio.charset.StandardCharsets.UTF_8), server, new byte[] {0}, token), 12);
    }

    /**
     * A server answered a call with a task (a 2025 task-augmented request, or a 2026-07-28 server that made the call a
     * task of the tasks extension): remember which server owns the task id for this client, so that tasks/get,
     * tasks/update, tasks/result and tasks/cancel reach it. Kept as long as the server keeps the task, and a request's
     * lifetime more.
     */
    public void taskCreated(ClientContext gs, RegistrySnapshot.Entry server, JsonNode result) {
        String taskId = TasksExtension.createdTaskId(result);
        if (taskId != null) {
            long ttl = TasksExtension.ttlMs(result);
            Duration keep = ttl > 0 ? Duration.ofMillis(ttl).plus(requestTtl) : requestTtl;
            String previous = stores.taskOwners().put(taskKey(gs, taskId), server.name(), keep);
            if (previous != null && !previous.equals(server.name())) {
                LOG.warn("Task id {} of '{}' is also a task of '{}' in the same session; the newer one wins",
                        taskId, server.name(), previous);
            }
        }
    }

    /**
     * A session's tasks are its own; a stateless (2026-07-28) client's are its identity's, whatever capabilities each
     * of its requests declares (the pooled session it runs under differs with them).
     */
    private static TaskKey taskKey(ClientContext gs, String taskId) {
        boolean stateless = gs.family() != null
                && io.camelmcp.gateway.protocol.StatelessFamily.NAME.equals(gs.family().name());
        return new TaskKey(stateless ? "identity:" + gs.identity().key() : gs.sessionId(), taskId);
    }

    /** The server that owns a task of this session (of this identity, for a stateless client), or null. */
    public RegistrySnapshot.Entry taskOwner(ClientContext gs, String taskId) {
        String server = stores.taskOwners().get(taskKey(gs, taskId));
        return server == null ? null : registry.snapshot().server(server);
    }

    // ---- messages coming down ---------------------------------------------------------------------------

    /**
     * Rewrites one message an upstream sent in a client's session for the client; null means it must not
     * reach the client (answered or dropped here).
     */
    public JsonNode toClient(ClientContext gs, RegistrySnapshot.Entry server, JsonNode msg) {
        JsonNode method = msg.get("method");
        if (method == null) {
            return msg; // a response: the caller rewrites what it contains
        }
        return msg.has("id") ? serverRequest(gs, server, (ObjectNode) msg, method.asText())
                : notification(gs, server, (ObjectNode) msg, method.asText());
    }

    private JsonNode serverRequest(ClientContext gs, RegistrySnapshot.Entry server, ObjectNode msg, String method) {
        String refusal = unsupported(gs.clientCapabilities(), method, msg.path("params"));
        if (refusal != null) {
            LOG.info("Refused {} from '{}' for a client that did not declare it: {}", method, server.name(), refusal);
            int code = refusal.startsWith("mode") ? ErrorCodes.INVALID_PARAMS : ErrorCodes.METHOD_NOT_FOUND;
            upstreams.deliver(gs, server.registration(), json.write(json.error(msg.get("id"), code, refusal, null)));
            return null;
        }
        String gatewayId = "gw-" + randomId();
        PendingRequest pending = new PendingRequest(gs.sessionId(), server.name(), msg.get("id"), method);
        stores.pendingRequests().put(new ServerRequestKey(gs.sessionId(), gatewayId), pending, requestTtl);
        stores.gatewayIds().put(pending.upstreamKey(), gatewayId, requestTtl);
        ObjectNode out = msg.deepCopy();
        out.put("id", gatewayId);
        return out;
    }

    private JsonNode notification(ClientContext gs, RegistrySnapshot.Entry server, ObjectNode msg, String method) {
        switch (method) {
            case "notifications/progress" -> {
                JsonNode original = clientToken(gs.sessionId(), server.name(), msg.path("params").get("progressToken"));
                if (original != null) {
                    ObjectNode out = msg.deepCopy();
                    ((ObjectNode) out.get("params")).set("progressToken", original);
                    return out;
                }
                return msg;
            }
            case "notifications/cancelled" -> {
                // the upstream gives up one of its own requests: name it as the client knows it
                String gatewayId = stores.gatewayIds().take(
                        new UpstreamRequestKey(gs.sessionId(), server.name(), msg.path("params").get("requestId")));
                if (gatewayId == null) {
                    return null;
                }
                stores.pendingRequests().remove(new ServerRequestKey(gs.sessionId(), gatewayId));
                ObjectNode out = msg.deepCopy();
                ((ObjectNode) out.get("params")).put("requestId", gatewayId);
                return out;
            }
            case "notifications/resources/updated" -> {
                ObjectNode out = msg.deepCopy();
                JsonNode uri = out.path("params").get("uri");
                if (uri != null && uri.isTextual()) {
                    ((ObjectNode) out.get("params")).put("uri", ResourceUris.expose(server, uri.textValue()));
                }
                return out;
            }
            default -> {
                if (method.endsWith("/list_changed")) {
                    return null; // the catalogue re-reads the server and the gateway announces its own change
                }
                return msg;
            }
        }
    }

    /** Why a client cannot take a server request, or null when it can. */
    public static String unsupported(JsonNode caps, String method, JsonNode params) {
        switch (method) {
            case "ping":
                return null;
            case "roots/list":
                return caps.has("roots") ? null : "the client does not support roots";
            case "sampling/createMessage":
                if (!caps.has("sampling")) {
                    return "the client does not support sampling";
                }
                return params.has("tools") && !caps.path("sampling").has("tools")
                        ? "mode: the client does not support tools in sampling" : null;
            case "elicitation/create":
                if (!caps.has("elicitation")) {
                    return "the client does not support elicitation";
                }
                JsonNode e = caps.get("elicitation");
                String mode = params.path("mode").asText("form");
                boolean form = e.size() == 0 || e.has("form"); // {} declares form mode (backwards compatibility)
                if ("url".equals(mode) && !e.has("url")) {
                    return "mode: the client does not support URL mode elicitation";
                }
                if ("form".equals(mode) && !form) {
                    return "mode: the client does not support form mode elicitation";
                }
                return null;
            default:
                return "the gateway does not relay " + method;
        }
    }

    // ---- the client's answers and notifications ---------------------------------------------------------

    /** A client's answer to a server request: mapped back to the upstream's id and posted where it came from. */
    public Answer deliverResponse(@ExchangeProperty(McpExchange.MESSAGE) JsonRpcMessage msg,
                                @ExchangeProperty(McpExchange.CLIENT) ClientContext gs) {
        // keyed by session too: an answer from another session does not find (and cannot take) it
        PendingRequest ref = msg.id() == null || !msg.id().isTextual() ? null
                : stores.pendingRequests().take(new ServerRequestKey(gs.sessionId(), msg.id().textValue()));
        if (ref == null) {
            throw McpException.http(400, ErrorCodes.INVALID_REQUEST,
                    "No pending server request with id " + msg.id() + " in this session (unknown, answered or expired)");
        }
        if (ref.isAwaitedInput()) {
            inputRequests.answered(ref, msg.id().textValue(), msg.raw()); // the call retries with it
            return Answer.accepted();
        }
        RegistrySnapshot.Entry server = registry.snapshot().server(ref.server());
        stores.gatewayIds().remove(ref.upstreamKey());
        if (server != null) {
            ObjectNode answer = msg.raw().deepCopy();
            answer.set("id", ref.upstreamId());
            int status = upstreams.deliver(gs, server.registration(), json.write(answer));
            if (status / 100 != 2) {
                LOG.warn("MCP server '{}' did not take the answer to its {} (HTTP {})", server.name(),
                        ref.method(), status);
            }
        }
        return Answer.accepted();
    }

    /**
     * A client's notifications/cancelled: sent to the server running that request. A request this replica does not
     * run may run on another one: the others are told over the bus, and the one that runs it sends it on.
     */
    public Answer cancelled(@ExchangeProperty(McpExchange.MESSAGE) JsonRpcMessage msg,
                          @ExchangeProperty(McpExchange.CLIENT) ClientContext gs) {
        JsonNode requestId = msg.paramsObject().get("requestId");
        if (requestId != null && !cancelHere(gs.sessionId(), requestId, msg.raw())) {
            bus.publish(new ReplicaMessage(ReplicaMessage.CANCELLED, bus.replica(), gs.sessionId(), null, msg.raw()));
        }
        return Answer.accepted();
    }

    /** Sends a cancellation to the server running the request, if it runs here; false when it does not. */
    private boolean cancelHere(String sessionId, JsonNode requestId, JsonNode cancellation) {
        String server = stores.runningOn().get(new ClientRequestKey(sessionId, requestId));
        RegistrySnapshot.Entry entry = server == null ? null : registry.snapshot().server(server);
        if (entry == null) {
            return false;
        }
        upstreams.deliver(sessionId, entry.registration(), json.write(cancellation));
        return true;
    }

    /** Another replica's cancellation of a request it does not run. */
    private void onReplicaMessage(ReplicaMessage m) {
        if (ReplicaMessage.CANCELLED.equals(m.type()) && m.data() != null) {
            JsonNode requestId = m.data().path("params").get("requestId");
            if (requestId != null) {
                // posting upstream may take a while: the bus handles one message at a time
                Thread.ofVirtual().name("mcp-cancel-relay").start(() -> cancelHere(m.sessionId(), requestId, m.data()));
            }
        }
    }

    /** The client's roots changed: every server it has a session with is told, and may ask again. */
    public Answer rootsChanged(@ExchangeProperty(McpExchange.MESSAGE) JsonRpcMessage msg,
                             @ExchangeProperty(McpExchange.CLIENT) ClientContext gs) {
        byte[] body = json.write(msg.raw());
        for (io.camelmcp.gateway.session.UpstreamSession us : upstreams.sessionsOf(gs)) {
            RegistrySnapshot.Entry server = registry.snapshot().server(us.server());
            if (server != null) {
                upstreams.deliver(gs, server.registration(), body);
            }
        }
        return Answer.accepted();
    }

    private String randomId() {
        byte[] b = new byte[12];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
