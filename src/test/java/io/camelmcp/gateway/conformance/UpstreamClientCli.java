package io.camelmcp.gateway.conformance;

import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.camelmcp.gateway.protocol.JsonRpc;
import io.camelmcp.gateway.protocol.McpVersions;
import io.camelmcp.gateway.registry.ServerRegistration;
import io.camelmcp.gateway.session.ClientContext;
import io.camelmcp.gateway.session.GatewaySession;
import io.camelmcp.gateway.session.InMemorySessionStore;
import io.camelmcp.gateway.upstream.SseRelay;
import io.camelmcp.gateway.upstream.UpstreamClient;
import io.camelmcp.gateway.upstream.UpstreamReply;
import io.camelmcp.gateway.upstream.UpstreamSessions;

/**
 * The gateway's upstream client (UpstreamClient, UpstreamSessions, SseRelay), as the command the
 * conformance suite's client scenarios run: {@code conformance client --command "java ... UpstreamClientCli"}.
 * The suite appends the server URL and names the scenario in MCP_CONFORMANCE_SCENARIO.
 */
public final class UpstreamClientCli {

    private UpstreamClientCli() {}

    public static void main(String[] args) throws Exception {
        String url = args[args.length - 1];
        String scenario = System.getenv().getOrDefault("MCP_CONFORMANCE_SCENARIO", "initialize");
        ObjectMapper mapper = new ObjectMapper();
        JsonRpc json = new JsonRpc(mapper, 4 << 20);
        ObjectNode info = json.object().put("name", "camel-mcp-gateway").put("version", "conformance");
        InMemorySessionStore store = new InMemorySessionStore(Duration.ofHours(1));
        try (UpstreamClient client = new UpstreamClient(Duration.ofSeconds(5))) {
            UpstreamSessions sessions = new UpstreamSessions(client, store, json, info);
            ServerRegistration server = new ServerRegistration("conformance", URI.create(url), "", Map.of(), "cli");
            GatewaySession gs = new GatewaySession("cli", McpVersions.LATEST, json.object(), info, Instant.now());
            ClientContext ctx = ClientContext.of(gs);
            store.create(gs);
            Duration timeout = Duration.ofSeconds(20);
            sessions.sessionFor(ctx, server, timeout); // initialize + notifications/initialized
            switch (scenario) {
                case "tools_call" -> print(call(json, sessions, ctx, server, "add_numbers", "{\"a\":2,\"b\":3}", timeout));
                case "sse-retry" -> print(call(json, sessions, ctx, server, "test_reconnection", "{}", timeout));
                default -> print(list(json, sessions, ctx, server, timeout));
            }
        }
        System.exit(0);
    }

    private static JsonNode list(JsonRpc json, UpstreamSessions sessions, ClientContext ctx, ServerRegistration server,
                                 Duration timeout) throws Exception {
        ObjectNode req = json.object().put("jsonrpc", "2.0").put("id", 1).put("method", "tools/list");
        return sessions.call(ctx, server, req, timeout);
    }

    /** A tools/call read as the gateway reads one: an SSE answer goes through SseRelay, resumption included. */
    private static JsonNode call(JsonRpc json, UpstreamSessions sessions, ClientContext ctx, ServerRegistration server,
                                 String tool, String args, Duration timeout) throws Exception {
        list(json, sessions, ctx, server, timeout);
        ObjectNode req = json.object().put("jsonrpc", "2.0").put("id", 2).put("method", "tools/call");
        req.putObject("params").put("name", tool).set("arguments", json.read(args));
        UpstreamReply reply = sessions.send(ctx, server, json.write(req), timeout);
        if (!reply.isEventStream()) {
            return json.read(reply.readAll());
        }
        try (InputStream relay = new SseRelay(server.name(), reply.body(), req.get("id"), json, null,
                new SseRelay.Deadline(timeout, timeout), new SseRelay.Failures() {
                    @Override public void timedOut() { }
                    @Override public void broke() { }
                }, lastEventId -> sessions.resume(ctx, server, lastEventId))) {
            String events = new String(relay.readAllBytes(), StandardCharsets.UTF_8);
            String last = events.substring(events.lastIndexOf("data: ") + 6).trim();
            return json.read(last);
        }
    }

    private static void print(JsonNode n) {
        System.out.println(n);
    }
}
