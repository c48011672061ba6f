package io.camelmcp.gateway.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.camelmcp.gateway.support.ServerEverything;

/**
 * The official MCP conformance suite for the stateless 2026-07-28 revision ({@code @modelcontextprotocol/conformance}
 * 0.2.0-alpha.12, installed in test-peers as {@code conformance-2026}), run by Node 22 from test-peers with
 * {@code server --requirements 2026-07-28}: the revision's required server scenarios (frozen with the revision) and
 * the not-scored ones (the tasks extension, pending scenarios), first against test-peers/conformance-server-2026.mjs
 * (TypeScript SDK v2) alone, then through the gateway in transparent mode (that server as its one upstream, empty
 * prefix). The gateway must be invisible: every scenario that passes alone passes through the gateway. Results go
 * to target/conformance-2026/results.md; the second score line in README.md is written from them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class Conformance2026Test {

    /** The Node 22 of test-peers, as ConformanceTest runs it. */
    static final Path NODE = ConformanceTest.NODE;
    static final Path PACKAGE = Path.of("test-peers/node_modules/conformance-2026");
    static final Path SUITE = PACKAGE.resolve("dist/index.js");
    static final Path REQUIREMENTS = PACKAGE.resolve("requirements/2026-07-28.yaml");
    static final Path OUT = Path.of("target/conformance-2026");

    static ServerEverything upstream;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void server(DynamicPropertyRegistry registry) throws Exception {
        upstream = ServerEverything.conformance2026();
        registry.add("mcp.gateway.demo.enabled", () -> "false");
        registry.add("mcp.gateway.servers[0].name", () -> "conformance-2026");
        registry.add("mcp.gateway.servers[0].url", () -> upstream.url());
        registry.add("mcp.gateway.servers[0].prefix", () -> "");
    }

    @AfterAll
    static void stop() throws InterruptedException {
        upstream.close();
    }

    @Test
    void the2026ServerScenariosPassThroughTheGatewayAsTheyDoAlone() throws Exception {
        Set<String> required = requiredServerScenarios();
        Map<String, int[]> alone = runServerSuite(upstream.url(), OUT.resolve("alone"));
        Map<String, int[]> gateway = runServerSuite("http://127.0.0.1:" + port + "/mcp", OUT.resolve("gateway"));
        writeReport(required, alone, gateway);

        assertThat(required).as("required server scenarios of 2026-07-28").hasSizeGreaterThanOrEqualTo(37);
        assertThat(alone.keySet()).as("scenarios run alone").containsAll(required);
        assertThat(gateway.keySet()).as("scenarios run through the gateway").isEqualTo(alone.keySet());
        List<String> notAlone = required.stream().filter(s -> alone.get(s)[1] > 0).toList();
        assertThat(notAlone).as("required scenarios failing against the server alone (target/conformance-2026/alone)").isEmpty();
        List<String> gatewayOnly = new ArrayList<>();
        alone.forEach((scenario, a) -> {
            if (a[1] == 0 && gateway.get(scenario)[1] > 0) {
                gatewayOnly.add(scenario);
            }
        });
        List<String> tasks = alone.keySet().stream().filter(s -> s.startsWith("tasks-")).toList();
        assertThat(tasks).as("the tasks extension's scenarios (not scored)").hasSizeGreaterThanOrEqualTo(9);
        assertThat(tasks.stream().filter(s -> alone.get(s)[1] > 0 || gateway.get(s)[1] > 0).toList())
                .as("tasks extension scenarios failing alone or through the gateway (test-peers/tasks-fixtures.mjs)").isEmpty();
        assertThat(gatewayOnly).as("scenarios that pass alone but fail through the gateway (see target/conformance-2026/results.md)")
                .isEmpty();
    }

    /** The {@code server:} list of the suite's frozen requirements file for 2026-07-28. */
    private static Set<String> requiredServerScenarios() throws IOException {
        Set<String> scenarios = new LinkedHashSet<>();
        boolean inServer = false;
        for (String line : Files.readAllLines(REQUIREMENTS)) {
            if (!line.startsWith(" ") && !line.startsWith("#") && !line.isBlank()) {
                inServer = line.trim().equals("server:");
            } else if (inServer && line.trim().startsWith("- ")) {
                scenarios.add(line.trim().substring(2).trim());
            }
        }
        return scenarios;
    }

    private Map<String, int[]> runServerSuite(String url, Path out) throws Exception {
        if (!Files.exists(NODE) || !Files.exists(SUITE)) {
            throw new IllegalStateException("conformance suite not installed: run 'npm ci' in test-peers (the Maven build does it)");
        }
        deleteRecursively(out);
        Files.createDirectories(out);
        Process p = new ProcessBuilder(NODE.toString(), SUITE.toString(), "server", "--url", url,
                "--requirements", "2026-07-28", "--timeout", "15000", "-o", out.toString()).redirectErrorStream(true).start();
        byte[] output = p.getInputStream().readAllBytes();
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("conformance suite did not finish");
        }
        Files.writeString(out.resolve("output.txt"), new String(output, StandardCharsets.UTF_8));
        return ConformanceTest.counts(out);
    }

    private static void writeReport(Set<String> required, Map<String, int[]> alone, Map<String, int[]> gateway) throws IOException {
        StringBuilder md = new StringBuilder("# MCP 2026-07-28 conformance (@modelcontextprotocol/conformance 0.2.0-alpha.12)\n\n"
                + "Checks passed/failed/warnings per scenario, `server --requirements 2026-07-28`.\n\n"
                + "| scenario | required | server alone | through the gateway |\n|---|---|---|---|\n");
        int requiredPassed = 0;
        int checksPassed = 0;
        int checks = 0;
        int notScored = 0;
        int notScoredPassed = 0;
        List<String> order = new ArrayList<>(required);
        alone.keySet().stream().filter(s -> !required.contains(s)).forEach(order::add);
        gateway.keySet().stream().filter(s -> !order.contains(s)).forEach(order::add);
        for (String scenario : order) {
            int[] a = alone.getOrDefault(scenario, new int[3]);
            int[] g = gateway.getOrDefault(scenario, new int[3]);
            boolean isRequired = required.contains(scenario);
            md.append("| ").append(scenario).append(" | ").append(isRequired ? "yes" : "not scored").append(" | ")
                    .append(cell(a, alone.containsKey(scenario))).append(" | ").append(cell(g, gateway.containsKey(scenario)))
                    .append(" |\n");
            if (isRequired) {
                requiredPassed += gateway.containsKey(scenario) && g[1] == 0 ? 1 : 0;
                checksPassed += g[0];
                checks += g[0] + g[1];
            } else {
                notScored++;
                notScoredPassed += gateway.containsKey(scenario) && g[1] == 0 ? 1 : 0;
            }
        }
        Files.createDirectories(OUT);
        Files.writeString(OUT.resolve("results.md"), md.toString());
        String line = "**MCP 2026-07-28 conformance** through the gateway (`@modelcontextprotocol/conformance` 0.2.0-alpha.12, "
                + "`server --requirements 2026-07-28`, transparent mode): " + requiredPassed + "/" + required.size()
                + " required server scenarios, " + checksPassed + "/" + checks + " of their checks passed (not scored: "
                + notScoredPassed + "/" + notScored + " passing). *Written by Conformance2026Test; details in "
                + "target/conformance-2026/results.md.*";
        Path readme = Path.of("README.md");
        String text = Files.readString(readme);
        String updated = text.replaceFirst("(?s)<!-- conformance-2026 -->.*?<!-- /conformance-2026 -->",
                Matcher.quoteReplacement("<!-- conformance-2026 -->" + line + "<!-- /conformance-2026 -->"));
        if (!updated.equals(text)) {
            Files.writeString(readme, updated);
        }
    }

    private static String cell(int[] c, boolean ran) {
        if (!ran) {
            return "not run";
        }
        return (c[1] == 0 ? "pass " : "**FAIL** ") + c[0] + "/" + c[1] + "/" + c[2];
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
