package io.camelmcp.gateway.health;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

import io.camelmcp.gateway.registry.RegistrySnapshot;
import io.camelmcp.gateway.registry.ServerRegistry;
import io.camelmcp.gateway.registry.ServerStatus;

/**
 * Readiness from the registry: not ready while the first probe of a server is still out, nor when
 * servers are registered and none of them serves; ready as soon as one does. Details list every server and, with
 * {@code mcp.gateway.servers-file}, the file: its path, the SHA-256 of the version in force and, while its current
 * version does not apply, the error. A broken servers file does not take readiness down: the previous servers keep
 * serving.
 */
public class RegistryHealthIndicator extends AbstractHealthIndicator {

    private final ServerRegistry registry;
    private final Supplier<Map<String, Object>> serversFile;

    public RegistryHealthIndicator(ServerRegistry registry) {
        this(registry, null);
    }

    /** @param serversFile the servers file's details, null without one */
    public RegistryHealthIndicator(ServerRegistry registry, Supplier<Map<String, Object>> serversFile) {
        super("MCP registry health check failed");
        this.registry = registry;
        this.serversFile = serversFile;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        RegistrySnapshot snap = registry.snapshot();
        Map<String, Object> servers = new LinkedHashMap<>();
        int ready = 0;
        int pending = 0;
        for (RegistrySnapshot.Entry e : snap.servers()) {
            ServerStatus s = e.status();
            servers.put(e.name(), Map.of("ready", s.ready(), "reason", s.reason(),
                    "message", s.message() == null ? "" : s.message(), "tools", s.toolCount()));
            if (s.ready()) {
                ready++;
            } else if (ServerStatus.REASON_PENDING.equals(s.reason())) {
                pending++;
            }
        }
        boolean up = pending == 0 && (snap.servers().isEmpty() || ready > 0);
        (up ? builder.up() : builder.down())
                .withDetail("ready", ready)
                .withDetail("registered", snap.servers().size())
                .withDetail("servers", servers);
        if (serversFile != null) {
            builder.withDetail("serversFile", serversFile.get());
        }
    }
}
