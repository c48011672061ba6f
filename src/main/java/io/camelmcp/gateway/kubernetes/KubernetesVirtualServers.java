package io.camelmcp.gateway.kubernetes;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.camelmcp.gateway.federation.VirtualServer;
import io.camelmcp.gateway.federation.VirtualServers;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;

/**
 * MCPVirtualServer resources ({@code mcp.kuadrant.io/v1}, Kuadrant's shape plus {@code resources}) as virtual servers
 * named {@code namespace/name}, as Kuadrant's {@code X-Mcp-Virtualserver} header names them: every resource in every
 * watched namespace replaces the virtual servers of source {@value #SOURCE}, beside the configured ones. Recomputed
 * whole from the informer's cache at every reconcile (level-triggered); unchanged definitions change nothing.
 */
public class KubernetesVirtualServers {

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesVirtualServers.class);
    public static final String SOURCE = "kubernetes";

    /** One resource as read: the name it is served under, or why it is not. */
    public record State(String namespace, String name, long generation, String served, String problem) {}

    private final KubernetesWatcher watcher;
    private final VirtualServers virtualServers;
    private final ObjectMapper json;
    private volatile List<State> states = List.of();

    public KubernetesVirtualServers(KubernetesWatcher watcher, VirtualServers virtualServers, ObjectMapper json) {
        this.watcher = watcher;
        this.virtualServers = virtualServers;
        this.json = json;
    }

    /** The virtual servers these join (their status reads what they resolve to). */
    public VirtualServers virtualServers() {
        return virtualServers;
    }

    /** What the last reconcile made of each resource (the status writer's input). */
    public List<State> states() {
        return states;
    }

    /** Run by the kubernetes-reconcile route. */
    public synchronized void reconcile() {
        List<GenericKubernetesResource> resources = watcher.list(Kind.MCP_VIRTUAL_SERVER).stream()
                .sorted(Comparator.comparing((GenericKubernetesResource r) -> Objects.toString(r.getMetadata().getNamespace(), ""))
                        .thenComparing(r -> r.getMetadata().getName()))
                .toList();
        List<VirtualServer.Definition> definitions = new ArrayList<>();
        List<State> next = new ArrayList<>();
        for (GenericKubernetesResource r : resources) {
            String ns = r.getMetadata().getNamespace();
            String name = ns + "/" + r.getMetadata().getName();
            long generation = r.getMetadata().getGeneration() == null ? 0 : r.getMetadata().getGeneration();
            JsonNode spec = json.valueToTree(r).path("spec");
            String problem = null;
            List<String> tools = strings(spec, "tools");
            if (tools == INVALID || strings(spec, "prompts") == INVALID || strings(spec, "resources") == INVALID) {
                // the CRD's schema rejects these; an API server without it (or an older CRD) may not
                problem = "spec.tools, spec.prompts and spec.resources must be lists of names or patterns";
            } else if (tools == null || tools.isEmpty()) {
                problem = "spec.tools must name at least one tool or pattern (as Kuadrant's MCPVirtualServer requires)";
            }
            if (problem != null) {
                if (states.stream().noneMatch(s -> s.namespace().equals(ns) && s.name().equals(r.getMetadata().getName())
                        && s.generation() == generation && s.problem() != null)) {
                    LOG.error("MCPVirtualServer {} is not served: {}", name, problem);
                }
                next.add(new State(ns, r.getMetadata().getName(), generation, null, problem));
                continue;
            }
            JsonNode discovery = spec.get("toolDiscovery");
            definitions.add(new VirtualServer.Definition(name, spec.path("description").asText(null), tools,
                    strings(spec, "prompts"), strings(spec, "resources"),
                    discovery != null && discovery.isBoolean() ? discovery.booleanValue() : null));
            next.add(new State(ns, r.getMetadata().getName(), generation, name, null));
        }
        states = List.copyOf(next);
        virtualServers.define(SOURCE, definitions);
    }

    /** Not a list of strings (its own instance: compared by identity). */
    private static final List<String> INVALID = java.util.Collections.unmodifiableList(new ArrayList<>());

    /** A list of strings from the spec; null when absent, {@link #INVALID} when not a list of strings. */
    private static List<String> strings(JsonNode spec, String field) {
        JsonNode v = spec.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isArray()) {
            return INVALID;
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isTextual()) {
                return INVALID;
            }
            out.add(e.textValue());
        }
        return out;
    }
}
