package io.camelmcp.gateway.federation;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.apache.camel.ExchangeProperty;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.camelmcp.gateway.exchange.McpExchange;
import io.camelmcp.gateway.federation.Catalog;
import io.camelmcp.gateway.protocol.ErrorCodes;
import io.camelmcp.gateway.protocol.JsonRpc;
import io.camelmcp.gateway.protocol.JsonRpcMessage;
import io.camelmcp.gateway.protocol.McpException;
import io.camelmcp.gateway.registry.RegistrySnapshot;
import io.camelmcp.gateway.registry.ServerRegistration;
import io.camelmcp.gateway.session.ClientContext;
import io.camelmcp.gateway.session.SessionStore;
import io.camelmcp.gateway.upstream.UpstreamException;
import io.camelmcp.gateway.upstream.UpstreamSessions;

/** The steps of the logging/setLevel fan-out: which servers log, and setting the level on one of them. */
public class LoggingLevels {

    private static final Logger LOG = LoggerFactory.getLogger(LoggingLevels.class);
    static final Set<String> LEVELS = Set.of("debug", "info", "notice", "warning", "error", "critical", "alert", "emergency");

    private final Catalog catalog;
    private final UpstreamSessions upstreams;
    private final JsonRpc json;
    private final Duration timeout;
    private final SessionStore sessions;

    public LoggingLevels(Catalog catalog, UpstreamSessions upstreams, JsonRpc json, Duration timeout,
                         SessionStore sessions) {
        this.catalog = catalog;
        this.upstreams = upstreams;
        this.json = json;
        this.timeout = timeout;
        this.sessions = sessions;
        upstreams.onOpened((gs, server, session) -> reapply(gs, server));
    }

    /**
     * After the fan-out: the level holds for the session, also for upstream sessions opened later. It is kept
     * with the session in the store, so it lives exactly as long as the session (an expiry of its own ended it
     * after the idle timeout even while the session was in use).
     */
    public void remember(@ExchangeProperty(McpExchange.CLIENT) ClientContext gs,
                         @ExchangeProperty(McpExchange.MESSAGE) JsonRpcMessage msg) {
        sessions.setLoggingLevel(gs.sessionId(), msg.paramsObject().path("level").asText());
    }

    /** The level the client set in its session, or null. */
    String level(ClientContext gs) {
        return sessions.loggingLevel(gs.sessionId());
    }

    /**
     * A client's session with a server was (re)opened, e.g. after the server forgot the old one: it gets the
     * level the client set, before the request that opened it goes on.
     */
    void reapply(ClientContext gs, ServerRegistration server) {
        String level = level(gs);
        if (level == null || catalog.serversWith("logging").stream().noneMatch(e -> e.registration().equals(server))) {
            return;
        }
        send(gs, server, level);
    }

    /** The servers that declared logging; an unknown level is -32602. */
    public List<RegistrySnapshot.Entry> targets(@ExchangeProperty(McpExchange.MESSAGE) JsonRpcMessage msg) {
        String level = msg.paramsObject().path("level").asText("");
        if (!LEVELS.contains(level)) {
            throw McpException.rpc(ErrorCodes.INVALID_PARAMS, "Invalid params: unknown logging level '" + level + "'", msg.id());
        }
        return catalog.serversWith("logging");
    }

    /** Sets the level in the client's session with one server; a failure is logged, not the client's error. */
    public String setLevel(@ExchangeProperty(McpExchange.CLIENT) ClientContext gs,
                           @ExchangeProperty(McpExchange.MESSAGE) JsonRpcMessage msg, Message message) {
        RegistrySnapshot.Entry server = message.getBody(RegistrySnapshot.Entry.class);
        send(gs, server.registration(), msg.paramsObject().path("level").asText());
        return server.name();
    }

    private void send(ClientContext gs, ServerRegistration server, String level) {
        if (upstreams.isModern(server)) {
            return; // a 2026-07-28 server gets the level with each request (_meta io.modelcontextprotocol/logLevel)
        }
        ObjectNode req = JsonRpc.request(upstreams.nextId("log"), "logging/setLevel");
        req.putObject("params").put("level", level);
        try {
            JsonNode resp = upstreams.call(gs, server, req, timeout);
            if (resp.has("error")) {
                LOG.warn("MCP server '{}' refused logging/setLevel: {}", server.name(), resp.get("error"));
            }
        } catch (UpstreamException e) {
            LOG.warn("logging/setLevel on '{}' failed: {}", server.name(), e.getMessage());
        }
    }
}
