package io.camelmcp.gateway.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Runs test-peers/client-driver.mjs: the official MCP TypeScript SDK client, declaring elicitation (form and
 * URL), sampling and roots, playing one scenario against an MCP endpoint and printing one JSON line.
 */
public final class ClientDriver {

    private ClientDriver() {}

    public static JsonNode run(String url, String prefix, String scenario, Map<String, String> env)
            throws IOException, InterruptedException {
        return run(List.of("node", "test-peers/client-driver.mjs", url, prefix, scenario), scenario, env,
                ProcessBuilder.Redirect.DISCARD);
    }

    /**
     * Runs test-peers/client-2026.mjs: the official TypeScript SDK v2 client pinned to 2026-07-28, playing its one
     * conversation (discover, list, a call, progress, an elicitation through MRTR, a subscription); the JSON line has
     * a "wire" of every message sent and received. Diagnostics go to target/client-2026.log.
     */
    public static JsonNode run2026(String url, String prefix, Map<String, String> env) throws IOException, InterruptedException {
        java.io.File log = new java.io.File("target/client-2026.log");
        return run(List.of("node", "test-peers/client-2026.mjs", url, prefix), "client-2026", env,
                ProcessBuilder.Redirect.appendTo(log));
    }

    /**
     * Runs test-peers/oauth-client.mjs: the TypeScript SDK v1 client with its ClientCredentialsProvider, finding the
     * authorization server from the gateway's 401 and calling one tool. Diagnostics go to target/oauth-client.log.
     */
    public static JsonNode runOAuth(String url, String clientId, String secret, String scope, String tool, String args)
            throws IOException, InterruptedException {
        java.io.File log = new java.io.File("target/oauth-client.log");
        return run(List.of("node", "test-peers/oauth-client.mjs", url, clientId, secret, scope, tool, args), "oauth-client",
                Map.of(), ProcessBuilder.Redirect.appendTo(log));
    }

    /**
     * Runs test-peers/replicas-driver.mjs: the same SDK client, each of its HTTP requests sent to replica A or B
     * by the script's fixed rules; the JSON line has a "log" of which replica served each request. The driver's
     * diagnostics go to target/replicas-driver-{scenario}.log.
     */
    public static JsonNode runReplicas(String urlA, String urlB, String scenario, Map<String, String> env)
            throws IOException, InterruptedException {
        java.io.File log = new java.io.File("target/replicas-driver-" + scenario + ".log");
        return run(List.of("node", "test-peers/replicas-driver.mjs", urlA, urlB, scenario), scenario, env,
                ProcessBuilder.Redirect.appendTo(log));
    }

    private static JsonNode run(List<String> command, String scenario, Map<String, String> env,
                                ProcessBuilder.Redirect stderr) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(command);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        pb.redirectError(stderr);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("driver did not finish: " + scenario);
        }
        String text = new String(out, StandardCharsets.UTF_8).trim();
        String last = text.substring(text.lastIndexOf('\n') + 1);
        return RawMcpClient.JSON.readTree(last);
    }
}
