package io.camelmcp.gateway.endpoint;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.camelmcp.gateway.exchange.McpExchange;
import io.camelmcp.gateway.exchange.RequestContext;
import io.camelmcp.gateway.federation.VirtualServer;
import io.camelmcp.gateway.federation.VirtualServers;
import io.camelmcp.gateway.protocol.ErrorCodes;
import io.camelmcp.gateway.protocol.JsonRpc;
import io.camelmcp.gateway.protocol.JsonRpcMessage;
import io.camelmcp.gateway.protocol.LimitExceeded;
import io.camelmcp.gateway.protocol.McpException;
import io.camelmcp.gateway.protocol.ProtocolFamily;
import io.camelmcp.gateway.protocol.SessionFamily;
import io.camelmcp.gateway.registry.RegistrySnapshot;
import io.camelmcp.gateway.registry.ServerRegistry;
import io.camelmcp.gateway.relay.ClientStreams;
import io.camelmcp.gateway.session.ClientContext;
import io.camelmcp.gateway.session.GatewaySession;
import io.camelmcp.gateway.session.Identity;
import io.camelmcp.gateway.session.SessionStore;
import io.camelmcp.gateway.session.UpstreamSession;
import io.camelmcp.gateway.upstream.UpstreamSessions;

/** The session lifecycle of /mcp: initialize, lookup on every request, DELETE, idle expiry. */
public class McpSessions {

    private static final Logger LOG = LoggerFactory.getLogger(McpSessions.class);
    /** What the gateway tells every client about itself (initialize, server/discover). */
    static final String INSTRUCTIONS = "Tools and prompts of several MCP servers, each name prefixed by its server's "
            + "prefix; resource URIs of prefixed servers read mcp-gateway://<server>/<original URI>.";

    private final SessionStore store;
    private final UpstreamSessions upstreams;
    private final ServerRegistry registry;
    private final JsonRpc json;
    private final JsonNode serverInfo;
    private final Duration idleTimeout;
    private final SecureRandom random = new SecureRandom();
    /** initialize belongs to the session-based revisions; the stateless family has no handshake of its own. */
    private final ProtocolFamily family = new SessionFamily();
    private final ClientStreams streams;
    /** mcp.gateway.max-sessions-per-client; 0: no limit. */
    private final int maxSessionsPerClient;
    private final VirtualServers virtualServers;

    public McpSessions(SessionStore store, UpstreamSessions upstreams, ServerRegistry registry, JsonRpc json,
                       JsonNode serverInfo, Duration idleTimeout, ClientStreams streams, int maxSessionsPerClient,
                       VirtualServers virtualServers) {
        this.virtualServers = virtualServers;
        this.streams = streams;
        this.maxSessionsPerClient = maxSessionsPerClient;
        this.store = store;
        this.upstreams = upstreams;
        this.registry = registry;
        this.json = json;
        this.serverInfo = serverInfo;
        this.idleTimeout = idleTimeout;
        store.onEnded(this::ended);
    }

    /** Answers initialize with the gateway's own capabilities and a new session. Upstreams are not contacted. */
    public void initialize(Exchange exchange, @ExchangeProperty(McpExchange.MESSAGE) JsonRpcMessage msg) {
        if (!msg.isRequest()) {
            throw McpException.http(400, ErrorCodes.INVALID_REQUEST, "Invalid Request: initialize must be a request with an id");
        }
        ObjectNode params = msg.paramsObject();
        JsonNode requested = params.get("protocolVersion");
        JsonNode capabilities = params.get("capabilities");
        JsonNode clientInfo = params.get("clientInfo");
        if (requested == null || !requested.isTextual()) {
            throw McpException.rpc(ErrorCodes.INVALID_PARAMS, "Invalid params: \"protocolVersion\" must be a string", msg.id());
        }
        if (capabilities != null && !capabilities.isObject()) {
            throw McpException.rpc(ErrorCodes.INVALID_PARAMS, "Invalid params: \"capabilities\" must be an object", msg.id());
        }
        if (clientInfo != null && !clientInfo.isObject()) {
            throw McpException.rpc(ErrorCodes.INVALID_PARAMS, "Invalid params: \"clientInfo\" must be an object", msg.id());
        }
        String version = family.negotiate(requested.textValue());
        Identity identity = identity(exchange);
        // created on a virtual server (its path or header), the session stays on it
        VirtualServer vs = exchange.getProperty(McpExchange.VIRTUAL_SERVER, VirtualServer.class);
        GatewaySession session = new GatewaySession(newSessionId(), version,
                capabilities == null ? json.object() : capabilities, clientInfo, Instant.now(),
                identity.anonymous() ? null : identity.key(), vs == null ? null : vs.name());
        String client = maxSessionsPerClient > 0 ? client(exchange) : null;
        Duration wait = store.create(session, client, maxSessionsPerClient);
        if (wait != null) {
            long seconds = Math.max(1, (wait.toMillis() + 999) / 1000); // whole seconds, rounded up, at least 1
            throw new LimitExceeded("mcp.gateway.max-sessions-per-client", maxSessionsPerClient,
                    "Too Many Requests: this client (" + client + ") has " + maxSessionsPerClient + " live sessions, "
                    + "the most mcp.gateway.max-sessions-per-client allows; end one it no longer uses with DELETE /mcp "
                    + "(its Mcp-Session-Id), or retry after " + seconds + " s, when the least recently used one expires",
                    msg.id(), seconds);
        }

        ObjectNode result = json.object();
        result.put("protocolVersion", version);
        ObjectNode caps = result.putObject("capabilities");
        caps.putObject("tools").put("listChanged", true);
        caps.putObject("prompts").put("listChanged", true);
        caps.putObject("resources").put("subscribe", true).put("listChanged", true);
        caps.putObject("completions");
        caps.putObject("logging");
        ObjectNode tasks = caps.putObject("tasks");
        tasks.putObject("list");
        tasks.putObject("cancel");
        tasks.putObject("requests").putObject("tools").putObject("call");
        result.set("serverInfo", serverInfo);
        result.put("instructions", INSTRUCTIONS);
        Replies.json(exchange, 200, json.write(json.result(msg.id(), result)));
        exchange.getMessage().setHeader("Mcp-Session-Id", session.id());
    }

    /**
     * Who a session counts for (mcp.gateway.max-sessions-per-client): the authenticated identity, or the request's
     * remote address while the gateway does not authenticate. The one place that decides.
     */
    static String client(Exchange exchange) {
        Identity identity = identity(exchange);
        if (!identity.anonymous()) {
            return identity.key();
        }
        String address = exchange.getProperty(McpExchange.REMOTE_ADDRESS, String.class);
        return address == null || address.isEmpty() ? "unknown" : address;
    }

    static Identity identity(Exchange exchange) {
        return exchange.getProperty(McpExchange.IDENTITY, Identity.ANONYMOUS, Identity.class);
    }

    /**
     * Every request after initialize must name a live session: 400 without one, 404 for an unknown one. A session
     * created on a virtual server is served that one (another named: 400).
     */
    public void require(Exchange exchange, @ExchangeProperty(McpExchange.CONTEXT) RequestContext ctx) {
        String id = ctx.sessionId();
        if (id == null || id.isBlank()) {
            throw McpException.http(400, ErrorCodes.TRANSPORT_ERROR, "Bad Request: missing Mcp-Session-Id header");
        }
        GatewaySession session = store.find(id);
        Identity identity = identity(exchange);
        // another identity's session is not found: a session id is never a credential (MCP authorization)
        if (session == null || !session.ownedBy(identity)) {
            throw McpException.http(404, ErrorCodes.TRANSPORT_ERROR, "Session not found: it has ended or expired; initialize a new one");
        }
        virtualServers.enterSession(exchange, session.virtualServer());
        exchange.setProperty(McpExchange.SESSION, session);
        exchange.setProperty(McpExchange.CLIENT, ClientContext.of(session, identity));
    }

    /** DELETE /mcp: ends the session and, in the background, its upstream sessions. */
    public void terminate(Exchange exchange, @ExchangeProperty(McpExchange.SESSION) GatewaySession session) {
        if (!store.remove(session.id())) {
            throw McpException.http(404, ErrorCodes.TRANSPORT_ERROR, "Session not found");
        }
        Replies.empty(exchange, 200);
    }

    /** Run by the session-expiry timer route: the store ends the sessions it has not expired lazily yet. */
    public void expireIdle() {
        int expired;
        try {
            expired = store.purgeExpired();
        } catch (McpException e) {
            LOG.debug("No sweep of idle sessions: {}", e.getMessage()); // the store reports its outage itself
            return;
        }
        if (expired > 0) {
            LOG.info("Ended {} session(s) idle for more than {}", expired, idleTimeout);
        }
    }

    /** However a session ended (DELETE, idle TTL), its streams end and its upstream sessions are closed. */
    private void ended(SessionStore.EndedSession ended) {
        streams.ended(ended.session().id());
        closeUpstreams(ended.upstreams());
    }

    private void closeUpstreams(List<UpstreamSession> sessions) {
        RegistrySnapshot snap = registry.snapshot();
        for (UpstreamSession s : sessions) {
            RegistrySnapshot.Entry server = snap.server(s.server());
            if (server != null) {
                upstreams.closeQuietly(server.registration(), List.of(s));
            }
        }
    }

    private String newSessionId() {
        byte[] bytes = new byte[24]; // 192 bits from a CSPRNG, URL-safe visible ASCII
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
