package io.camelmcp.gateway.registry;

import java.util.List;

import org.springframework.util.PatternMatchUtils;

/**
 * Which of a server's tools the gateway exposes: names or simple patterns ({@code *} matches any run of
 * characters), matched against the server's own tool names. An empty include list includes everything;
 * exclude wins over include.
 */
public record ToolFilter(List<String> include, List<String> exclude) {

    public static final ToolFilter ALL = new ToolFilter(List.of(), List.of());

    public ToolFilter {
        include = include == null ? List.of() : List.copyOf(include);
        exclude = exclude == null ? List.of() : List.copyOf(exclude);
    }

    public boolean allows(String upstreamName) {
        if (!include.isEmpty() && !matchesAny(include, upstreamName)) {
            return false;
        }
        return !matchesAny(exclude, upstreamName);
    }

    private static boolean matchesAny(List<String> patterns, String name) {
        for (String p : patterns) {
            if (PatternMatchUtils.simpleMatch(p, name)) {
                return true;
            }
        }
        return false;
    }
}
