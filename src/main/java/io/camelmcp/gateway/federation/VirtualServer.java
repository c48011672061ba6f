package io.camelmcp.gateway.federation;

import java.util.List;
import java.util.regex.Pattern;

import io.camelmcp.gateway.registry.NamePatterns;

/**
 * A named, curated subset of the federated catalogue: the tools, prompts and resources (templates too) whose exposed
 * names or URIs match its lists. A list left out ({@code null}) keeps every item of its kind, as Kuadrant's
 * MCPVirtualServer does for prompts; an empty list keeps none. Immutable: compiled once per change of the definitions.
 *
 * @param name   what clients select it by: the {@code X-Mcp-Virtualserver} header, the path {@code /v/{name}/mcp}
 * @param source where it was defined ({@code configuration}, {@code kubernetes})
 */
public record VirtualServer(String name, String source, Definition definition, NamePatterns tools,
                            NamePatterns prompts, NamePatterns resources) {

    /** A configured name: one path segment of {@code /v/{name}/mcp}. Kubernetes names are namespace/name. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,252}");

    /**
     * What a source says of one virtual server, before compiling. Lists hold exposed (prefixed) tool and prompt names
     * and gateway resource URIs, each a name or a {@code *} pattern; null: every item of the kind.
     */
    public record Definition(String name, String description, List<String> tools, List<String> prompts,
                             List<String> resources, Boolean toolDiscovery) {

        /** Without its own tool discovery setting (the gateway's decides). */
        public Definition(String name, String description, List<String> tools, List<String> prompts,
                          List<String> resources) {
            this(name, description, tools, prompts, resources, null);
        }

        public Definition {
            tools = tools == null ? null : List.copyOf(tools);
            prompts = prompts == null ? null : List.copyOf(prompts);
            resources = resources == null ? null : List.copyOf(resources);
        }
    }

    public static VirtualServer compile(String source, Definition d) {
        return new VirtualServer(d.name(), source, d, patterns(d.tools()), patterns(d.prompts()), patterns(d.resources()));
    }

    private static NamePatterns patterns(List<String> entries) {
        return entries == null ? NamePatterns.ALL : NamePatterns.of(entries);
    }

    /** Whether the item clients know by {@code key} (an exposed name, a gateway URI or URI template) is in the subset. */
    public boolean shows(ListKind kind, String key) {
        return switch (kind) {
            case TOOLS -> tools.matches(key);
            case PROMPTS -> prompts.matches(key);
            case RESOURCES, TEMPLATES -> resources.matches(key);
        };
    }
}
