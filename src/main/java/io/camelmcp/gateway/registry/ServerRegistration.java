package io.camelmcp.gateway.registry;

import java.net.URI;
import java.util.Map;

/**
 * One upstream MCP server as registered (statically, by Kubernetes or by the REST API): an immutable value.
 * {@code source} says where it came from, for status and logs; {@code tools} selects which tools are exposed.
 * {@code healthPath}, when set, is what the health probe GETs (resolved against {@code url}) instead of an MCP ping.
 * {@code hold}, when set, is the status the source imposes: the server is not probed and serves nothing (a REST
 * registration whose heartbeats stopped); lifting it makes a new registration, probed afresh.
 * {@code policy} is what the registration sets of its calls' breaker, bulkhead and timeouts (the rest: the gateway's).
 * {@code auth}, when set, is how the gateway authenticates to the server (a bearer token, OAuth client credentials,
 * token exchange), on top of {@code headers}.
 * {@code transport} is how it is reached: Streamable HTTP unless it says legacy SSE or stdio (whose {@code url} is
 * {@link UpstreamTransport#stdioUri}).
 */
public record ServerRegistration(String name, URI url, String prefix, Map<String, String> headers, String source,
                                 ToolFilter tools, String healthPath, ServerStatus hold, CallPolicy policy,
                                 UpstreamAuth auth, UpstreamTransport transport) {

    public ServerRegistration {
        prefix = prefix == null ? "" : prefix;
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        tools = tools == null ? ToolFilter.ALL : tools;
        healthPath = healthPath == null || healthPath.isBlank() ? null : healthPath;
        policy = policy == null ? CallPolicy.DEFAULTS : policy;
        transport = transport == null ? UpstreamTransport.STREAMABLE_HTTP : transport;
        if (hold != null && hold.ready()) {
            throw new IllegalArgumentException("a hold is a not-ready status");
        }
    }

    public ServerRegistration(String name, URI url, String prefix, Map<String, String> headers, String source,
                              ToolFilter tools, String healthPath, ServerStatus hold, CallPolicy policy,
                              UpstreamAuth auth) {
        this(name, url, prefix, headers, source, tools, healthPath, hold, policy, auth, null);
    }

    public ServerRegistration(String name, URI url, String prefix, Map<String, String> headers, String source,
                              ToolFilter tools, String healthPath, ServerStatus hold, CallPolicy policy) {
        this(name, url, prefix, headers, source, tools, healthPath, hold, policy, null);
    }

    public ServerRegistration(String name, URI url, String prefix, Map<String, String> headers, String source,
                              ToolFilter tools, String healthPath, ServerStatus hold) {
        this(name, url, prefix, headers, source, tools, healthPath, hold, null);
    }

    public ServerRegistration(String name, URI url, String prefix, Map<String, String> headers, String source,
                              ToolFilter tools) {
        this(name, url, prefix, headers, source, tools, null, null);
    }

    /** This registration held by its source with {@code status} (null: released). */
    public ServerRegistration withHold(ServerStatus status) {
        return new ServerRegistration(name, url, prefix, headers, source, tools, healthPath, status, policy, auth, transport);
    }

    /** This registration with its own breaker, bulkhead and timeout settings. */
    public ServerRegistration withPolicy(CallPolicy policy) {
        return new ServerRegistration(name, url, prefix, headers, source, tools, healthPath, hold, policy, auth, transport);
    }

    /** This registration with its own upstream authentication (null: its headers only). */
    public ServerRegistration withAuth(UpstreamAuth auth) {
        return new ServerRegistration(name, url, prefix, headers, source, tools, healthPath, hold, policy, auth, transport);
    }

    /** This registration reached over {@code transport} (null: Streamable HTTP). */
    public ServerRegistration withTransport(UpstreamTransport transport) {
        return new ServerRegistration(name, url, prefix, headers, source, tools, healthPath, hold, policy, auth, transport);
    }

    /** What the health probe GETs: {@code healthPath} on the origin of {@code url} (never another host); null without one. */
    public URI healthUri() {
        if (healthPath == null) {
            return null;
        }
        return URI.create(url.getScheme() + "://" + url.getRawAuthority() + (healthPath.startsWith("/") ? "" : "/") + healthPath);
    }

    /** Whether the source holds it: not probed, nothing served. */
    public boolean held() {
        return hold != null;
    }

    public ServerRegistration(String name, URI url, String prefix, Map<String, String> headers, String source) {
        this(name, url, prefix, headers, source, ToolFilter.ALL);
    }

    /** Header names only: their values are often credentials, and records print everything. */
    @Override
    public String toString() {
        return "ServerRegistration[name=" + name + ", url=" + url + ", prefix=" + prefix + ", headers=" + headers.keySet()
                + ", source=" + source + ", tools=" + tools + (healthPath == null ? "" : ", healthPath=" + healthPath)
                + (hold == null ? "" : ", hold=" + hold.reason())
                + (policy.equals(CallPolicy.DEFAULTS) ? "" : ", policy=" + policy)
                + (auth == null ? "" : ", auth=" + auth)
                + (transport.bridged() ? ", transport=" + transport : "") + "]";
    }
}
