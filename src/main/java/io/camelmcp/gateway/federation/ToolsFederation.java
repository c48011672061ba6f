package io.camelmcp.gateway.federation;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import io.camelmcp.gateway.endpoint.McpExchange;
import io.camelmcp.gateway.endpoint.Replies;
import io.camelmcp.gateway.protocol.ErrorCodes;
import io.camelmcp.gateway.protocol.JsonRpc;
import io.camelmcp.gateway.protocol.JsonRpcMessage;
import io.camelmcp.gateway.protocol.McpException;
import io.camelmcp.gateway.registry.DiscoveryService;
import io.camelmcp.gateway.registry.RegistrySnapshot;
import io.camelmcp.gateway.registry.ServerRegistry;
import io.camelmcp.gateway.session.GatewaySession;
import io.camelmcp.gateway.upstream.Paging;
import io.camelmcp.gateway.upstream.SseRelay;
import io.camelmcp.gateway.upstream.UpstreamException;
import io.camelmcp.gateway.upstream.UpstreamReply;
import io.camelmcp.gateway.upstream.UpstreamSessions;

/**
 * The steps of the tools routes: which servers a list fans out to, how one server's tools are fetched,
 * how the parts are merged under their prefixes, and how a call finds and reaches its owner.
 */
public class ToolsFederation {

    private static final Logger LOG = LoggerFactory.getLogger(ToolsFederation.class);
    private final ServerRegistry registry;
    private final UpstreamSessions upstreams;
    private final JsonRpc json;
    private final Duration listTimeout;
    private final Duration callTimeout;
    private final SseRelay.Deadline deadline;
    private final DiscoveryService discovery;
    /** Each skipped tool is logged once, not on every list. */
    private final Set<String> reportedSkips = ConcurrentHashMap.newKeySet();

    public ToolsFederation(ServerRegistry registry, UpstreamSessions upstreams, JsonRpc json,
                           DiscoveryService discovery, Duration listTimeout, SseRelay.Deadline deadline) {
        this.registry = registry;
        this.upstreams = upstreams;
        this.json = json;
        this.listTimeout = listTimeout;
        this.callTimeout = deadline.timeout();
        this.deadline = deadline;
        this.discovery = discovery;
    }

    /** The servers a list request fans out to: the ready ones, by name. */
    public List<RegistrySnapshot.Entry> fanOutTargets(@ExchangeProperty(McpExchange.MESSAGE) JsonRpcMessage msg) {
        if (msg.paramsObject().hasNonNull("cursor")) {
            // the gateway answers whole lists and never hands out a cursor, so none can be valid
            throw McpException.rpc(ErrorCodes.INVALID_PARAMS, "Invalid cursor", msg.id());
        }
        return registry.snapshot().readyServers();
    }

    /** One server's tools for this client, all pages; a failure leaves the server out, never the list. */
    public ServerTools listTools(@ExchangeProperty(McpExchange.SESSION) GatewaySession session,
                                 org.apache.camel.Message message) {
        RegistrySnapshot.Entry server = message.getBody(RegistrySnapshot.Entry.class);
        try {
            List<ObjectNode> tools = Paging.listAll(server.name(), "tools/list", "tools", upstreams,
                    req -> upstreams.call(session, server.registration(), req, listTimeout));
            return new ServerTools(server, tools, null);
        } catch (UpstreamException e) {
            LOG.warn("Left MCP server '{}' out of tools/list: {}", server.name(), e.getMessage());
            return ServerTools.failed(server, e.getMessage());
        }
    }

    /** Merges the per-server parts into the client's answer: prefixed names, servers by name, tools by name. */
    public void toolsListResult(Exchange exchange, @ExchangeProperty(McpExchange.MESSAGE) JsonRpcMessage msg) {
        @SuppressWarnings("unchecked")
        List<ServerTools> parts = exchange.getMessage().getBody(List.class);
        List<ServerTools> sorted = new ArrayList<>(parts == null ? List.of() : parts);
        sorted.sort(Comparator.comparing(p -> p.server().name()));
        ObjectNode result = json.object();
        ArrayNode out = result.putArray("tools");
        for (ServerTools part : sorted) {
            String prefix = part.server().prefix();
            List<ObjectNode> tools = new ArrayList<>(part.tools());
            tools.sort(Comparator.comparing(t -> t.path("name").asText("")));
            for (ObjectNode tool : tools) {
                String upstreamName = tool.path("name").textValue();
                String exposed = ToolNames.exposed(prefix, upstreamName);
                if (exposed == null) {
                    if (reportedSkips.add(part.server().name() + '\n' + upstreamName)) {
                        LOG.warn("Tool '{}' of MCP server '{}' is not exposed: '{}' is not a valid tool name",
                                upstreamName, part.server().name(), prefix + upstreamName);
                    }
                    continue;
                }
                ObjectNode copy = tool.deepCopy();
                copy.set("name", TextNode.valueOf(exposed));
                out.add(copy);
            }
        }
        Replies.json(exchange, 200, json.write(json.result(msg.id(), result)));
    }

    /** Finds the server owning the called tool and rewrites the name to the server's own. */
    public void routeToolCall(Exchange exchange, @ExchangeProperty(McpExchange.MESSAGE) JsonRpcMessage msg) {
        JsonNode name = msg.paramsObject().get("name");
        if (name == null || !name.isTextual()) {
            throw McpException.rpc(ErrorCodes.INVALID_PARAMS, "Invalid params: \"name\" must be a string", msg.id());
        }
        JsonNode args = msg.paramsObject().get("arguments");
        if (args != null && !args.isObject() && !args.isNull()) {
            throw McpException.rpc(ErrorCodes.INVALID_PARAMS, "Invalid params: \"arguments\" must be an object", msg.id());
        }
        RegistrySnapshot.Route route = ToolNames.isValid(name.textValue())
                ? registry.snapshot().route(name.textValue()) : null;
        if (route == null) {
            throw McpException.rpc(ErrorCodes.INVALID_PARAMS, "Unknown tool: " + name.textValue(), msg.id());
        }
        ((ObjectNode) msg.params()).put("name", route.upstreamName());
        exchange.setProperty(McpExchange.TARGET, route);
    }

    /**
     * Forwards the (renamed) request to the owning server in the client's upstream session and relays the
     * answer: JSON passes through untouched (the id is the client's own), an SSE stream is relayed live.
     */
    public void forward(Exchange exchange, @ExchangeProperty(McpExchange.MESSAGE) JsonRpcMessage msg,
                        @ExchangeProperty(McpExchange.SESSION) GatewaySession session,
                        @ExchangeProperty(McpExchange.TARGET) RegistrySnapshot.Route route) {
        RegistrySnapshot.Entry server = route.server();
        UpstreamReply reply;
        try {
            reply = upstreams.send(session, server.registration(), json.write(msg.raw()), callTimeout);
        } catch (UpstreamException e) {
            LOG.warn("Call to MCP server '{}' failed: {}", server.name(), e.getMessage());
            if (e.isTimeout()) {
                upstreams.cancel(session, server.registration(), msg.id(), "gateway timeout");
            }
            discovery.suspect(server.registration());
            throw unavailable(msg, server, e.getMessage());
        }
        if (reply.status() == 200 && reply.isEventStream()) {
            Replies.eventStream(exchange, new SseRelay(server.name(), reply.body(), msg.id(), json, null, deadline,
                    new SseRelay.Failures() {
                        @Override
                        public void timedOut() {
                            upstreams.cancel(session, server.registration(), msg.id(), "gateway timeout");
                            discovery.suspect(server.registration());
                        }

                        @Override
                        public void broke() {
                            discovery.suspect(server.registration());
                        }
                    }));
            return;
        }
        byte[] body;
        try {
            body = reply.readAll();
        } catch (IOException e) {
            LOG.warn("Answer of MCP server '{}' broke off: {}", server.name(), e.toString());
            throw unavailable(msg, server, "answer broke off: " + e.getMessage());
        }
        if (reply.status() == 200) {
            Replies.json(exchange, 200, body);
            return;
        }
        // a JSON-RPC error for this request is the upstream's answer, whatever its HTTP status
        try {
            JsonNode err = json.read(body);
            if (err != null && err.has("error") && msg.id().equals(err.get("id"))) {
                Replies.json(exchange, 200, body);
                return;
            }
        } catch (IOException ignored) {
            // not JSON: reported below
        }
        LOG.warn("MCP server '{}' answered HTTP {}", server.name(), reply.status());
        throw unavailable(msg, server, "answered HTTP " + reply.status());
    }

    private static McpException unavailable(JsonRpcMessage msg, RegistrySnapshot.Entry server, String why) {
        return McpException.rpc(ErrorCodes.UPSTREAM_UNAVAILABLE,
                "MCP server '" + server.name() + "' is unavailable: " + why, msg.id(),
                java.util.Map.of("server", server.name()));
    }
}
