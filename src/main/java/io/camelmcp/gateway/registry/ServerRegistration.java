package io.camelmcp.gateway.registry;

import java.net.URI;
import java.util.Map;

/**
 * One upstream MCP server as registered (statically, by Kubernetes or by the REST API): an immutable value.
 * {@code source} says where it came from, for status and logs; {@code tools} selects which tools are exposed.
 */
public record ServerRegistration(String name, URI url, String prefix, Map<String, String> headers, String source,
                                 ToolFilter tools) {

    public ServerRegistration {
        prefix = prefix == null ? "" : prefix;
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        tools = tools == null ? ToolFilter.ALL : tools;
    }

    public ServerRegistration(String name, URI url, String prefix, Map<String, String> headers, String source) {
        this(name, url, prefix, headers, source, ToolFilter.ALL);
    }

    /** Header names only: their values are often credentials, and records print everything. */
    @Override
    public String toString() {
        return "ServerRegistration[name=" + name + ", url=" + url + ", prefix=" + prefix + ", headers=" + headers.keySet()
                + ", source=" + source + ", tools=" + tools + "]";
    }
}
