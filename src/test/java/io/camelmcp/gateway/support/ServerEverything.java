package io.camelmcp.gateway.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An MCP server from test-peers/ (pinned npm packages) in its own node process on a free port, started
 * directly with node so that stopping it stops the server: the real
 * {@code @modelcontextprotocol/server-everything}, or test-peers/paged-server.mjs (TypeScript SDK).
 */
public final class ServerEverything implements AutoCloseable {

    private static final Path ENTRY = Path.of("test-peers/node_modules/@modelcontextprotocol/server-everything/dist/index.js");
    private static final Path PAGED = Path.of("test-peers/paged-server.mjs");

    private final Process process;
    private final int port;

    private ServerEverything(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static ServerEverything start() throws IOException, InterruptedException {
        return start(java.util.Map.of(), ENTRY.toString(), "streamableHttp");
    }

    /** server-everything in its {@code sse} mode: the legacy HTTP+SSE transport, its stream on {@link #sseUrl()}. */
    public static ServerEverything sse() throws IOException, InterruptedException {
        return start(java.util.Map.of(), ENTRY.toString(), "sse");
    }

    /** The command line that runs server-everything in its {@code stdio} mode (from the project directory). */
    public static java.util.List<String> stdioCommand() {
        return java.util.List.of("node", ENTRY.toAbsolutePath().toString(), "stdio");
    }

    /** test-peers/paged-server.mjs with one tool, {@code ask-anyway}, that elicits whatever the client declared. */
    public static ServerEverything askingAnyway() throws IOException, InterruptedException {
        return start(java.util.Map.of("TOOLS", "1", "PROMPTS", "0", "ASK_ANYWAY", "1"), PAGED.toString());
    }

    /** test-peers/paged-server.mjs: {@code tools} tools and {@code prompts} prompts, {@code pageSize} per page. */
    public static ServerEverything paged(int tools, int prompts, int pageSize) throws IOException, InterruptedException {
        return start(java.util.Map.of("TOOLS", "" + tools, "PROMPTS", "" + prompts, "PAGE_SIZE", "" + pageSize),
                PAGED.toString());
    }

    /**
     * test-peers/modern-server.mjs: a 2026-07-28-only server (TypeScript SDK v2; initialize is refused with -32022),
     * or, with {@code legacy} "stateless", a dual-era one.
     */
    public static ServerEverything modern(String legacy) throws IOException, InterruptedException {
        return modern(legacy, freePort());
    }

    /**
     * test-peers/conformance-server-2026.mjs: the 2026-07-28-only server (TypeScript SDK v2) the conformance suite's
     * 2026-07-28 server scenarios run against.
     */
    public static ServerEverything conformance2026() throws IOException, InterruptedException {
        return start(java.util.Map.of(), "test-peers/conformance-server-2026.mjs");
    }

    /** The same on a given port (e.g. where another server just stopped). */
    public static ServerEverything modern(String legacy, int port) throws IOException, InterruptedException {
        return start(port, java.util.Map.of("LEGACY", legacy), "test-peers/modern-server.mjs");
    }

    private static ServerEverything start(java.util.Map<String, String> env, String... script)
            throws IOException, InterruptedException {
        return start(freePort(), env, script);
    }

    private static ServerEverything start(int port, java.util.Map<String, String> env, String... script)
            throws IOException, InterruptedException {
        if (!Files.exists(Path.of(script[0]))) {
            throw new IllegalStateException(script[0] + " is missing: run 'npm ci' in test-peers (the Maven build does it)");
        }
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("node"));
        cmd.addAll(java.util.List.of(script));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        pb.environment().put("PORT", Integer.toString(port));
        Process p = pb.start();
        CountDownLatch listening = new CountDownLatch(1);
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.contains("listening on port") || line.contains("running on port")) { // sse mode
                        listening.countDown();
                    }
                }
            } catch (IOException ignored) {
                // process ended
            }
        });
        if (!listening.await(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("server-everything did not start on port " + port);
        }
        return new ServerEverything(p, port);
    }

    public int port() { return port; }

    public String url() { return "http://127.0.0.1:" + port + "/mcp"; }

    public String sseUrl() { return "http://127.0.0.1:" + port + "/sse"; }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
