package io.camelmcp.gateway.health;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

import io.camelmcp.gateway.federation.Catalog;
import io.camelmcp.gateway.federation.VirtualServer;
import io.camelmcp.gateway.federation.VirtualServers;

/** {@code GET /actuator/mcpvirtualservers}: every virtual server, its definition and what it resolves to now. */
@Endpoint(id = "mcpvirtualservers")
public class VirtualServersEndpoint {

    private final VirtualServers virtualServers;
    private final Catalog catalog;

    public VirtualServersEndpoint(VirtualServers virtualServers, Catalog catalog) {
        this.virtualServers = virtualServers;
        this.catalog = catalog;
    }

    @ReadOperation
    public Map<String, Object> virtualServers() {
        List<Map<String, Object>> out = virtualServers.all().values().stream()
                .sorted(java.util.Comparator.comparing(VirtualServer::name)).map(this::describe).toList();
        return Map.of("virtualServers", out);
    }

    private Map<String, Object> describe(VirtualServer vs) {
        Catalog.Resolved r = catalog.resolved(vs);
        VirtualServer.Definition d = vs.definition();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", vs.name());
        m.put("source", vs.source());
        m.put("description", d.description());
        m.put("path", "/v/" + vs.name() + "/mcp");
        // as defined (null: every item of the kind), then what the base view's catalogue resolves them to now
        m.put("toolPatterns", d.tools());
        m.put("promptPatterns", d.prompts());
        m.put("resourcePatterns", d.resources());
        m.put("tools", r.tools());
        m.put("prompts", r.prompts());
        m.put("resources", r.resources());
        m.put("resourceTemplates", r.templates());
        m.put("notFound", r.missing());
        return m;
    }
}
