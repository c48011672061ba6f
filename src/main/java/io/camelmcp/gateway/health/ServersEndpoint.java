package io.camelmcp.gateway.health;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

import io.camelmcp.gateway.federation.Catalog;
import io.camelmcp.gateway.federation.ServerCalls;
import io.camelmcp.gateway.registry.RegistrySnapshot;
import io.camelmcp.gateway.registry.ServerRegistry;
import io.camelmcp.gateway.registry.ServerStatus;

/** {@code GET /actuator/mcpservers}: every registered server with its status, for operators. */
@Endpoint(id = "mcpservers")
public class ServersEndpoint {

    private final ServerRegistry registry;
    private final Catalog catalog;
    private final ServerCalls calls;

    public ServersEndpoint(ServerRegistry registry, Catalog catalog, ServerCalls calls) {
        this.registry = registry;
        this.catalog = catalog;
        this.calls = calls;
    }

    @ReadOperation
    public Map<String, Object> servers() {
        List<Map<String, Object>> out = registry.snapshot().servers().stream().map(this::describe).toList();
        return Map.of("servers", out);
    }

    private Map<String, Object> describe(RegistrySnapshot.Entry e) {
        ServerStatus s = e.status();
        Catalog.Report r = catalog.report(e.name());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", e.name());
        m.put("url", e.registration().url().toString());
        m.put("transport", e.registration().transport().kind().value());
        m.put("prefix", e.prefix());
        m.put("source", e.registration().source());
        m.put("ready", s.ready());
        m.put("reason", s.reason());
        // the MCP revision spoken with it: 2026-07-28 (found with server/discover) or the one initialize negotiated
        m.put("protocolVersion", catalog.protocolVersion(e.name()));
        // a ready server's message is about what it serves now (conflicts change with the other servers)
        m.put("message", s.ready() ? r.describe() : s.message());
        // what is served right now, from the merged catalogue (conflicts depend on the other servers)
        m.put("tools", r.tools());
        m.put("prompts", r.prompts());
        m.put("resources", r.resources());
        m.put("resourceTemplates", r.templates());
        m.put("skippedTools", r.invalid());
        m.put("conflicts", r.conflicts());
        m.put("filteredTools", r.filtered());
        // its calls' circuit breaker: state (CLOSED, OPEN, HALF_OPEN) and the window's numbers; null before a call
        m.put("breaker", calls.describe(e.name()));
        m.put("checkedAt", s.checkedAt() == null ? null : s.checkedAt().toString());
        return m; // header values (credentials) are deliberately not shown
    }
}
