package io.camelmcp.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Keeps the benchmark working: {@code bench/run --smoke} runs every scenario of the suite for a moment against the
 * packaged jar (direct, through the gateway, through mcp-hub; lists, cold fan-out, first event, memory, start-up,
 * the Redis store with one and two replicas).
 * The numbers mean nothing at these sizes; every scenario must have run, without a single failed operation.
 * Runs after {@code package} (failsafe); the bench's own module is built by the script.
 */
class BenchSmokeIT {

    @Test
    void everyScenarioOfTheBenchRunsWithoutErrors() throws Exception {
        Path root = Path.of("").toAbsolutePath();
        Path results = root.resolve("bench/target/smoke/latest.json");
        Files.deleteIfExists(results);
        Path log = root.resolve("target/bench-smoke.log");
        ProcessBuilder pb = new ProcessBuilder("bench/run", "--smoke").directory(root.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        // the child JVMs run on the JDK running this test (the build's toolchain), whatever `java` is on the PATH
        pb.environment().put("BENCH_JAVA", ProcessHandle.current().info().command().orElseThrow());
        Process p = pb.start();
        boolean ended = p.waitFor(8, TimeUnit.MINUTES);
        if (!ended) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        assertThat(ended).as("bench/run --smoke ended within 8 minutes, see %s", log).isTrue();
        // CI keeps only the build's output (test output goes to files): the failure message carries the bench's
        // last lines, and those of the log they name
        assertThat(p.exitValue()).as(() -> "bench/run --smoke exit status, see " + log + "\n" + failure(log)).isZero();

        JsonNode r = new ObjectMapper().readTree(results.toFile());
        List<String> cells = new ArrayList<>();
        for (JsonNode row : r.path("toolsCall")) {
            for (String path : List.of("direct", "gateway", "mcpHub")) {
                cells.add(cell("tools/call " + row.path("upstream").asText() + " c=" + row.path("sessions").asInt()
                        + " " + path, row.path(path)));
            }
        }
        for (JsonNode row : r.path("toolsList")) {
            for (String path : List.of("direct", "gateway", "mcpHub")) {
                cells.add(cell("tools/list n=" + row.path("upstreams").asInt() + " " + path, row.path(path)));
            }
        }
        // as bench/run --smoke sets them: 2 upstreams x 1 and 4 sessions for calls, 1 and 2 upstreams for lists
        assertThat(cells).hasSize(4 * 3 + 2 * 3).allMatch(String::isEmpty, "no errors and at least one operation");

        assertThat(r.path("firstEvent")).hasSize(2).allSatisfy(e -> {
            assertThat(e.path("errors").asLong()).isZero();
            assertThat(e.path("p50Ms").asDouble()).isPositive();
        });
        assertThat(r.path("coldFanOutRemote")).hasSize(2)
                .allSatisfy(c -> assertThat(c.path("gatewayColdListMedianMs").asDouble()).isPositive());
        assertThat(r.path("startup")).isNotEmpty().allSatisfy(s -> {
            assertThat(s.path("readyMs").asDouble()).isPositive();
            assertThat(s.path("toolsListed").asInt()).isPositive();
        });
        // the Redis store: memory vs redis vs two replicas round robin at 4 sessions, and the round trips per call
        // (skipped, with its reason in the results, where redis-server is not installed; .ci/run installs it)
        JsonNode redis = r.path("redisStore");
        assertThat(redis.isMissingNode()).as("the Redis store scenario ran or said why not").isFalse();
        if (!redis.has("skipped")) {
            List<String> redisCells = new ArrayList<>();
            for (JsonNode row : redis.path("rows")) {
                for (String path : List.of("memory", "redis", "twoReplicas")) {
                    redisCells.add(cell("redis store c=" + row.path("sessions").asInt() + " " + path, row.path(path)));
                }
                assertThat(row.at("/evalPerCall/twoReplicas").asDouble()).as("EVALSHA per call, 2 replicas").isPositive();
            }
            assertThat(redisCells).hasSize(3).allMatch(String::isEmpty, "no errors and at least one operation");
            for (String target : List.of("redis", "twoReplicas")) {
                assertThat(redis.at("/roundTrips/" + target + "/roundTripsPerCall").asDouble())
                        .as("Redis round trips per call, %s", target).isPositive();
                assertThat(redis.at("/roundTrips/" + target + "/errors").asLong()).isZero();
            }
        }
        assertThat(r.at("/memory/streamsOpened").asInt()).isEqualTo(10);
        assertThat(r.at("/memory/withSessionsAndStreams/heapUsedMiB").asDouble()).isPositive();
        assertThat(root.resolve("bench/target/smoke/latest.md")).isNotEmptyFile();
    }

    private static String failure(Path log) {
        try {
            StringBuilder b = new StringBuilder(tail(log, 40));
            Matcher named = Pattern.compile("see (\\S+\\.log)").matcher(Files.readString(log, StandardCharsets.ISO_8859_1));
            String last = null;
            while (named.find()) {
                last = named.group(1);
            }
            if (last != null && Files.isRegularFile(Path.of(last))) {
                b.append("\n---- ").append(last).append('\n').append(tail(Path.of(last), 60));
            }
            return b.toString();
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    private static String tail(Path file, int lines) throws IOException {
        List<String> all = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** Empty when the cell ran fine, else what went wrong (so that the assertion names every bad cell). */
    private static String cell(String name, JsonNode result) {
        if (result.isMissingNode()) {
            return name + ": missing";
        }
        if (result.path("errors").asLong() != 0) {
            return name + ": " + result.path("errors").asLong() + " errors, first: " + result.path("firstError").asText();
        }
        return result.path("operations").asLong() > 0 ? "" : name + ": no operation completed";
    }
}
