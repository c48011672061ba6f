package io.camelmcp.gateway.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.camelmcp.gateway.support.RawMcpClient;

/**
 * The official MCP conformance suite ({@code @modelcontextprotocol/conformance}, pinned in test-peers), run by
 * Node 22 from test-peers: the server scenarios against our fixture server alone, then through the gateway
 * in transparent mode (one upstream, empty prefix), where the gateway must be invisible; and the client
 * scenarios that apply to the gateway's upstream client. Results go to target/conformance; the score line in
 * README.md is written from them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ConformanceTest {

    static final Path NODE = Path.of("test-peers/node_modules/node/bin/node");
    static final Path SUITE = Path.of("test-peers/node_modules/@modelcontextprotocol/conformance/dist/index.js");
    static final Path OUT = Path.of("target/conformance");

    static ConformanceServer fixture;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void server(DynamicPropertyRegistry registry) throws Exception {
        fixture = ConformanceServer.start(0);
        registry.add("mcp.gateway.demo.enabled", () -> "false");
        registry.add("mcp.gateway.servers[0].name", () -> "conformance");
        registry.add("mcp.gateway.servers[0].url", () -> fixture.url());
        registry.add("mcp.gateway.servers[0].prefix", () -> "");
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void theServerSuitePassesAgainstTheFixtureAndThroughTheGateway() throws Exception {
        Map<String, int[]> alone = runServerSuite(fixture.url(), OUT.resolve("fixture"));
        Map<String, int[]> gateway = runServerSuite("http://localhost:" + port + "/mcp", OUT.resolve("gateway"));

        assertThat(gateway.keySet()).as("scenarios run through the gateway").isEqualTo(alone.keySet()).hasSizeGreaterThanOrEqualTo(32);
        List<String> failing = new ArrayList<>();
        gateway.forEach((scenario, counts) -> {
            if (counts[1] > 0) {
                failing.add(scenario);
            }
        });
        writeReport(alone, gateway);
        assertThat(failing).as("scenarios failing through the gateway (see target/conformance/results.md)").isEmpty();
        alone.forEach((scenario, counts) -> assertThat(counts[1]).as("fixture alone: " + scenario).isZero());
    }

    @Test
    void theClientScenariosPassAgainstTheGatewaysUpstreamClient() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = "target/test-classes" + File.pathSeparator + "target/classes" + File.pathSeparator
                + Files.readString(Path.of("target/test-classpath.txt")).trim();
        String command = java + " -cp " + classpath + " " + UpstreamClientCli.class.getName();
        for (String scenario : List.of("initialize", "tools_call", "sse-retry")) {
            Path out = OUT.resolve("client-" + scenario);
            Result r = run(List.of(NODE.toString(), SUITE.toString(), "client", "--command", command,
                    "--scenario", scenario, "-o", out.toString()), out);
            Map<String, int[]> counts = counts(out);
            assertThat(counts).as(scenario + ": " + r.output()).isNotEmpty();
            counts.forEach((name, c) -> assertThat(c[1] + c[2]).as(scenario + " failures and warnings: " + r.output()).isZero());
        }
    }

    private record Result(int exit, String output) {}

    private Map<String, int[]> runServerSuite(String url, Path out) throws Exception {
        run(List.of(NODE.toString(), SUITE.toString(), "server", "--url", url, "--suite", "all", "-o", out.toString()), out);
        return counts(out);
    }

    private static Result run(List<String> cmd, Path out) throws IOException, InterruptedException {
        if (!Files.exists(NODE) || !Files.exists(SUITE)) {
            throw new IllegalStateException("conformance suite not installed: run 'npm ci' in test-peers (the Maven build does it)");
        }
        deleteRecursively(out);
        Files.createDirectories(out);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] output = p.getInputStream().readAllBytes();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("conformance suite did not finish");
        }
        String text = new String(output, StandardCharsets.UTF_8);
        Files.writeString(out.resolve("output.txt"), text);
        return new Result(p.exitValue(), text);
    }

    /** scenario -> {passed, failed, warnings} checks, from every checks.json the suite wrote (both suites' layout). */
    static Map<String, int[]> counts(Path out) throws IOException {
        Map<String, int[]> counts = new TreeMap<>();
        try (Stream<Path> files = Files.walk(out)) {
            for (Path checks : files.filter(f -> f.getFileName().toString().equals("checks.json")).toList()) {
                String dir = out.relativize(checks.getParent()).toString();
                String scenario = dir.replaceFirst("^server-", "").replaceFirst("-\\d{4}-\\d{2}-\\d{2}T.*$", "");
                int[] c = counts.computeIfAbsent(scenario, k -> new int[3]);
                for (JsonNode check : RawMcpClient.JSON.readTree(checks.toFile())) {
                    switch (check.path("status").asText()) {
                        case "SUCCESS" -> c[0]++;
                        case "FAILURE" -> c[1]++;
                        case "WARNING" -> c[2]++;
                        default -> { }
                    }
                }
            }
        }
        return counts;
    }

    private static void writeReport(Map<String, int[]> alone, Map<String, int[]> gateway) throws IOException {
        StringBuilder md = new StringBuilder("| scenario | fixture alone (passed/failed/warnings) | through the gateway |\n|---|---|---|\n");
        int scenariosPassed = 0;
        int checksPassed = 0;
        int checks = 0;
        for (Map.Entry<String, int[]> e : gateway.entrySet()) {
            int[] g = e.getValue();
            int[] a = alone.getOrDefault(e.getKey(), new int[3]);
            md.append("| ").append(e.getKey()).append(" | ").append(a[0]).append('/').append(a[1]).append('/').append(a[2])
                    .append(" | ").append(g[0]).append('/').append(g[1]).append('/').append(g[2]).append(" |\n");
            scenariosPassed += g[1] == 0 ? 1 : 0;
            checksPassed += g[0];
            checks += g[0] + g[1];
        }
        Files.writeString(OUT.resolve("results.md"), md.toString());
        String line = "**MCP conformance** through the gateway (`@modelcontextprotocol/conformance` 0.1.16, `--suite all`, "
                + "transparent mode): " + scenariosPassed + "/" + gateway.size() + " server scenarios, " + checksPassed + "/"
                + checks + " checks passed. *Written by ConformanceTest; details in target/conformance/results.md.*";
        Path readme = Path.of("README.md");
        String text = Files.readString(readme);
        String updated = text.replaceFirst("(?s)<!-- conformance -->.*?<!-- /conformance -->",
                java.util.regex.Matcher.quoteReplacement("<!-- conformance -->" + line + "<!-- /conformance -->"));
        if (!updated.equals(text)) {
            Files.writeString(readme, updated);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
