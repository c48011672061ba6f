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
        List<String> cmd = new ArrayList<>(List.of("node", "test-peers/client-driver.mjs", url, prefix, scenario));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
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
