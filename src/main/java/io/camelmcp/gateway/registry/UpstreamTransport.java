package io.camelmcp.gateway.registry;

import java.util.List;
import java.util.Map;

/**
 * How the gateway reaches a server: Streamable HTTP (the default), the legacy HTTP+SSE transport of 2024-11-05
 * ({@code GET} a stream, its {@code endpoint} event, {@code POST} messages there, answers on the stream), or stdio (a
 * process the gateway starts, JSON-RPC messages one per line on its stdin and stdout).
 *
 * @param command      stdio only: the program and its arguments
 * @param env          stdio only: variables added to the gateway's own environment for the process
 * @param workingDir   stdio only: the process's working directory (null: the gateway's)
 * @param maxProcesses stdio only: how many processes of this server run at once (one per upstream session)
 */
public record UpstreamTransport(Kind kind, List<String> command, Map<String, String> env, String workingDir,
                                int maxProcesses) {

    public enum Kind {
        STREAMABLE_HTTP("streamable-http"), SSE("sse"), STDIO("stdio");

        private final String value;

        Kind(String value) { this.value = value; }

        /** As configuration and the REST API write it. */
        public String value() { return value; }

        /** The kind written {@code value} (case-insensitive), or null when there is none of that name. */
        public static Kind of(String value) {
            for (Kind k : values()) {
                if (k.value.equalsIgnoreCase(value)) {
                    return k;
                }
            }
            return null;
        }
    }

    /** The default for a stdio server's {@code maxProcesses}. */
    public static final int DEFAULT_MAX_PROCESSES = 16;

    public static final UpstreamTransport STREAMABLE_HTTP = new UpstreamTransport(Kind.STREAMABLE_HTTP, null, null, null, 0);
    public static final UpstreamTransport SSE = new UpstreamTransport(Kind.SSE, null, null, null, 0);

    public UpstreamTransport {
        command = command == null ? List.of() : List.copyOf(command);
        env = env == null ? Map.of() : Map.copyOf(env);
        workingDir = workingDir == null || workingDir.isBlank() ? null : workingDir;
        maxProcesses = kind == Kind.STDIO && maxProcesses <= 0 ? DEFAULT_MAX_PROCESSES : maxProcesses;
    }

    public static UpstreamTransport stdio(List<String> command, Map<String, String> env, String workingDir,
                                          Integer maxProcesses) {
        return new UpstreamTransport(Kind.STDIO, command, env, workingDir, maxProcesses == null ? 0 : maxProcesses);
    }

    /** Reached through the gateway's bridge rather than spoken directly over HTTP (legacy SSE, stdio). */
    public boolean bridged() {
        return kind != Kind.STREAMABLE_HTTP;
    }

    /** The URL a stdio server is shown under (status, logs): it has none of its own. */
    public static java.net.URI stdioUri(String serverName) {
        return java.net.URI.create("stdio:" + serverName);
    }

    /** Environment values are often credentials: names only. */
    @Override
    public String toString() {
        return kind == Kind.STDIO
                ? "stdio" + command + (env.isEmpty() ? "" : " env=" + env.keySet())
                        + (workingDir == null ? "" : " in " + workingDir) + " max " + maxProcesses
                : kind.value;
    }
}
