package io.camelmcp.gateway.registry;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.camelmcp.gateway.federation.ToolNames;
import io.camelmcp.gateway.protocol.JsonRpc;
import io.camelmcp.gateway.upstream.UpstreamClient;
import io.camelmcp.gateway.upstream.UpstreamException;
import io.camelmcp.gateway.upstream.Paging;
import io.camelmcp.gateway.upstream.UpstreamSessions;
import io.camelmcp.gateway.session.UpstreamSession;

/**
 * Finds out whether each registered server serves: opens a session of the gateway's own, lists its tools
 * and checks each name as exposed under the server's prefix. Ready servers are re-probed at the interval,
 * others at the shorter retry interval; a new or changed registration is probed at once.
 */
public class DiscoveryService {

    private static final Logger LOG = LoggerFactory.getLogger(DiscoveryService.class);

    private final ServerRegistry registry;
    private final UpstreamSessions sessions;
    private final UpstreamClient client;
    private final JsonRpc json;
    private final Duration interval;
    private final Duration retryInterval;
    private final Duration timeout;
    /** When each server (by registration) is next due; a probe in flight is marked with Instant.MAX. */
    private final Map<ServerRegistration, Instant> due = new ConcurrentHashMap<>();

    public DiscoveryService(ServerRegistry registry, UpstreamSessions sessions, UpstreamClient client, JsonRpc json,
                            Duration interval, Duration retryInterval, Duration timeout) {
        this.registry = registry;
        this.sessions = sessions;
        this.client = client;
        this.json = json;
        this.interval = interval;
        this.retryInterval = retryInterval;
        this.timeout = timeout;
        registry.addListener(snapshot -> probeDue());
    }

    /** Starts a probe, in a virtual thread each, for every server that is due. Run by a timer route. */
    public void probeDue() {
        Instant now = Instant.now();
        List<ServerRegistration> current = new ArrayList<>();
        for (RegistrySnapshot.Entry e : registry.snapshot().servers()) {
            if (ServerStatus.REASON_INVALID.equals(e.status().reason())) {
                continue;
            }
            ServerRegistration r = e.registration();
            current.add(r);
            Instant when = due.get(r);
            boolean start = when == null
                    ? due.putIfAbsent(r, Instant.MAX) == null
                    : !when.isAfter(now) && due.replace(r, when, Instant.MAX);
            if (start) {
                Thread.ofVirtual().name("mcp-probe-" + r.name()).start(() -> probe(r));
            }
        }
        due.keySet().retainAll(current);
    }

    /** A call to the server just failed at the connection level: probe it now rather than at its interval. */
    public void suspect(ServerRegistration server) {
        Instant when = due.get(server);
        if (when != null && when != Instant.MAX && due.replace(server, when, Instant.MIN)) {
            probeDue();
        }
    }

    /** Probes one server now and records the outcome in the registry. */
    public ServerStatus probe(ServerRegistration server) {
        ServerStatus before = statusOf(server);
        ServerStatus status;
        try {
            status = discover(server);
        } catch (UpstreamException e) {
            status = new ServerStatus(false, ServerStatus.REASON_UNREACHABLE, e.getMessage(), 0, List.of(), Instant.now());
        } catch (RuntimeException e) {
            status = new ServerStatus(false, ServerStatus.REASON_UNREACHABLE, e.toString(), 0, List.of(), Instant.now());
        }
        if (before == null || before.ready() != status.ready() || !Objects.equals(before.message(), status.message())
                || before.toolCount() != status.toolCount()) {
            if (status.ready()) {
                LOG.info("MCP server '{}' is ready: {} tools{}", server.name(), status.toolCount(),
                        status.skippedTools().isEmpty() ? "" : ", not exposed (invalid names): " + status.skippedTools());
            } else {
                LOG.warn("MCP server '{}' ({}) is not ready: {}", server.name(), server.url(), status.message());
            }
        }
        registry.updateStatus(server, status);
        due.replace(server, Instant.MAX, Instant.now().plus(status.ready() ? interval : retryInterval));
        return status;
    }

    private ServerStatus statusOf(ServerRegistration server) {
        RegistrySnapshot.Entry e = registry.snapshot().server(server.name());
        return e == null || ServerStatus.REASON_PENDING.equals(e.status().reason()) ? null : e.status();
    }

    private ServerStatus discover(ServerRegistration server) throws UpstreamException {
        UpstreamSession session = sessions.open(server, json.object(), null, timeout);
        try {
            int exposed = 0;
            List<String> skipped = new ArrayList<>();
            for (ObjectNode tool : Paging.listAll(server.name(), "tools/list", "tools", sessions,
                    req -> sessions.readResponse(server, client.post(server, session, json.write(req), timeout), req.get("id")))) {
                String name = tool.path("name").asText("");
                if (ToolNames.exposed(server.prefix(), name) != null) {
                    exposed++;
                } else {
                    skipped.add(name);
                }
            }
            String message = skipped.isEmpty() ? exposed + " tools"
                    : exposed + " tools; not exposed because the prefixed name would be invalid: " + skipped;
            return new ServerStatus(true, ServerStatus.REASON_READY, message, exposed, skipped, Instant.now());
        } finally {
            sessions.closeQuietly(server, List.of(session));
        }
    }
}
