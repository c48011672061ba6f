package io.camelmcp.bench;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The orchestrator: starts the fixture upstream and server-everything, starts gateways in front of them, runs every
 * scenario directly against the upstream and through the gateway, and writes results/latest.md and latest.json
 * (a run of some scenarios only, {@code --scenarios=redis}: latest-redis.md and .json, so latest.md stays a whole run).
 *
 * <p>Options (all {@code --key=value}): {@code --gateway-jar}, {@code --everything} (server-everything's
 * dist/index.js), {@code --node}, {@code --java} (for the child JVMs; default: this JVM), {@code --out} (results
 * directory), {@code --work} (logs and configs), {@code --warmup} (s, 5), {@code --duration} (s, 5),
 * {@code --concurrency} (1,16,64), {@code --list-concurrency} (1,16), {@code --upstreams} (1,10,50),
 * {@code --scenarios} (all: {@value #ALL_SCENARIOS}), {@code --redis-concurrency} (as --concurrency),
 * {@code --redis-server} (redis-server on the PATH), {@code --memory-sessions} (10000), {@code --memory-streams} (2000),
 * {@code --memory-streams-50} (10000, the many-upstream memory row; 0 skips it), {@code --memory-upstreams} (50),
 * {@code --scale-out-min-cores} (8), {@code --scale-out-sessions} (64), {@code --scale-out-force} (false),
 * {@code --soak-sessions} (10000; 0 skips the soak), {@code --soak-minutes} (10), {@code --soak-sample-seconds} (30),
 * {@code --soak-clients} (16), {@code --fail-on-errors} (false; the smoke run sets it: a memory row, soak or scale-out
 * cell with an error makes the run fail after the results are written).
 */
public final class Bench {

    private static final List<Process> STARTED = new CopyOnWriteArrayList<>();
    private static final HttpClient PROBE = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    /** What --scenarios selects from, in the order they run; the default runs them all. */
    static final String ALL_SCENARIOS = "call,redis,memory,list,fan-out,scale-out,soak";

    private final Map<String, String> opts;
    private final List<String> scenarios;
    private final Path work;
    private final Path out;
    private final String java;
    private final double warmup;
    private final double duration;
    private final Map<String, Object> json = new LinkedHashMap<>();
    private final List<Map<String, Object>> callRows = new ArrayList<>();
    private final List<Map<String, Object>> listRows = new ArrayList<>();
    private final List<Map<String, Object>> startRows = new ArrayList<>();
    private final List<Map<String, Object>> firstEventRows = new ArrayList<>();
    private final List<Map<String, Object>> fanOutRows = new ArrayList<>();
    private Map<String, Object> memory;
    private Map<String, Object> memoryWide;
    private Map<String, Object> soak;
    private final Map<String, Object> scaleOut = new LinkedHashMap<>();
    private final Map<String, Object> redisStore = new LinkedHashMap<>();
    private final List<Map<String, Object>> redisRows = new ArrayList<>();
    private String gatewayVersion = "?";
    private int gatewaySeq;

    private Bench(Map<String, String> opts) {
        this.opts = opts;
        this.work = Path.of(opts.getOrDefault("work", "target/run")).toAbsolutePath();
        this.out = Path.of(opts.getOrDefault("out", "results")).toAbsolutePath();
        this.java = opts.getOrDefault("java",
                ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java"));
        this.warmup = Double.parseDouble(opts.getOrDefault("warmup", "5"));
        this.duration = Double.parseDouble(opts.getOrDefault("duration", "5"));
        this.scenarios = List.of(opts.getOrDefault("scenarios", ALL_SCENARIOS).split(","));
        for (String sc : scenarios) {
            if (!List.of(ALL_SCENARIOS.split(",")).contains(sc)) {
                throw new IllegalArgumentException("unknown scenario " + sc + " in --scenarios (known: " + ALL_SCENARIOS + ")");
            }
        }
    }

    /** latest, or latest-redis (latest-call+redis, ...) for a run of some scenarios only. */
    private String resultName() {
        return List.of(ALL_SCENARIOS.split(",")).equals(scenarios) ? "latest" : "latest-" + String.join("+", scenarios);
    }

    private boolean has(String scenario) {
        return scenarios.contains(scenario);
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        for (String a : args) {
            if (a.startsWith("--") && a.contains("=")) {
                opts.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
            } else {
                throw new IllegalArgumentException("expected --key=value, got " + a);
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(Bench::stopAll));
        int rc = 0;
        try {
            new Bench(opts).run();
        } catch (Exception e) {
            e.printStackTrace();
            rc = 1;
        } finally {
            stopAll();
        }
        System.exit(rc);
    }

    private void run() throws Exception {
        Files.createDirectories(work);
        Files.createDirectories(out);
        Path gatewayJar = Path.of(required("gateway-jar"));
        String everythingJs = required("everything");
        List<Integer> concurrencies = ints(opts.getOrDefault("concurrency", "1,16,64"));
        List<Integer> listConcurrencies = ints(opts.getOrDefault("list-concurrency", "1,16"));
        List<Integer> upstreamCounts = ints(opts.getOrDefault("upstreams", "1,10,50"));
        int maxUpstreams = has("list") ? upstreamCounts.stream().mapToInt(Integer::intValue).max().orElse(1) : 1;
        if (has("memory") && !"0".equals(opts.getOrDefault("memory-sessions", "10000"))
                && !"0".equals(opts.getOrDefault("memory-streams-50", "10000"))) {
            maxUpstreams = Math.max(maxUpstreams, memoryUpstreams());
        }
        long t0 = System.nanoTime();
        log("scenarios: " + String.join(",", scenarios));

        // --- upstreams
        Process fixture = null;
        int fixturePort = 0;
        if (has("call") || has("memory") || has("list") || has("redis")) {
            log("starting fixture upstream (" + maxUpstreams + " servers)");
            fixture = start("fixture", List.of(java, "-cp", System.getProperty("java.class.path"),
                    "io.camelmcp.bench.FixtureUpstream", "0", Integer.toString(maxUpstreams)), Map.of());
            Matcher m = waitForLog("fixture", fixture, Pattern.compile("READY port=(\\d+)"), 60);
            fixturePort = Integer.parseInt(m.group(1));
            log("fixture upstream on port " + fixturePort);
        }
        String fxUrl = fixtureUrl(fixturePort, 0);

        Started gw = null;
        Process everything = null;
        if (has("call")) {
            int everythingPort = freePort();
            everything = start("everything", List.of(opts.getOrDefault("node", "node"), everythingJs, "streamableHttp"),
                    Map.of("PORT", Integer.toString(everythingPort)));
            waitForLog("everything", everything, Pattern.compile("listening on port"), 60);
            log("server-everything on port " + everythingPort);
            String evUrl = "http://127.0.0.1:" + everythingPort + "/mcp";

            // --- gateway in front of one fixture server (fx_) and server-everything (ev_)
            gw = startGateway("fixture+everything", List.of(
                    new Upstream("fixture", fxUrl, "fx_"), new Upstream("everything", evUrl, "ev_")));
            String gwUrl = gw.url();
            Map<String, String> hubServers = new LinkedHashMap<>();
            hubServers.put("fixture", fxUrl);
            hubServers.put("everything", evUrl);
            Started hub = startHub("fixture+everything", hubServers);

            // --- tools/call
            JsonNode sumArgs = SUM_ARGS;
            jitWarmup("tools/call", List.of(
                    new LoadGen.Spec(List.of(fxUrl), "tools/call", "add", sumArgs, 16, 0, 0),
                    new LoadGen.Spec(List.of(gwUrl), "tools/call", "fx_add", sumArgs, 16, 0, 0),
                    new LoadGen.Spec(List.of(evUrl), "tools/call", "get-sum", sumArgs, 16, 0, 0),
                    new LoadGen.Spec(List.of(gwUrl), "tools/call", "ev_get-sum", sumArgs, 16, 0, 0)));
            if (hub != null) {
                jitWarmup("tools/call mcp-hub", List.of(
                        new LoadGen.Spec(List.of(hub.url()), "tools/call", "fixture__add", sumArgs, 16, 0, 0),
                        new LoadGen.Spec(List.of(hub.url()), "tools/call", "everything__get-sum", sumArgs, 16, 0, 0)));
            }
            for (String upstream : List.of("java-fixture", "server-everything")) {
                boolean fx = upstream.equals("java-fixture");
                long upstreamPid = (fx ? fixture : everything).pid();
                for (int c : concurrencies) {
                    Map<String, Object> cpuDirect = new LinkedHashMap<>();
                    Map<String, Object> cpuGateway = new LinkedHashMap<>();
                    LoadGen.Result direct = measure("tools/call " + upstream + " c=" + c + " direct",
                            new LoadGen.Spec(List.of(fx ? fxUrl : evUrl), "tools/call", fx ? "add" : "get-sum", sumArgs,
                                    c, warmup, duration), roles(upstreamPid, 0), cpuDirect);
                    LoadGen.Result via = measure("tools/call " + upstream + " c=" + c + " gateway",
                            new LoadGen.Spec(List.of(gwUrl), "tools/call", fx ? "fx_add" : "ev_get-sum", sumArgs,
                                    c, warmup, duration), roles(upstreamPid, gw.process().pid()), cpuGateway);
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("upstream", upstream);
                    row.put("tool", fx ? "add" : "get-sum");
                    row.put("sessions", c);
                    row.put("direct", direct.toMap());
                    row.put("gateway", via.toMap());
                    row.put("throughputRatio", ratio(via.throughput(), direct.throughput()));
                    row.put("p50Ratio", ratio(via.p50Ms(), direct.p50Ms()));
                    row.put("cpuMicrosPerCall", Map.of("direct", cpuDirect, "gateway", cpuGateway));
                    if (hub != null) {
                        Thread.sleep(2000); // mcp-hub logs a burst of errors after each batch of SSE disconnects: let it settle
                        Map<String, Object> cpuHub = new LinkedHashMap<>();
                        LoadGen.Result peer = measure("tools/call " + upstream + " c=" + c + " mcp-hub",
                                new LoadGen.Spec(List.of(hub.url()), "tools/call", fx ? "fixture__add" : "everything__get-sum",
                                        sumArgs, c, warmup, duration), roles(upstreamPid, hub.process().pid()), cpuHub);
                        row.put("cpuMicrosPerCallMcpHub", cpuHub);
                        row.put("mcpHub", peer.toMap());
                        row.put("gatewayToHubRatio", ratio(via.throughput(), peer.throughput()));
                    }
                    callRows.add(row);
                }
            }
            if (hub != null) {
                hub.stop();
            }

            // --- time to the first streamed event of an answer (a progress notification sent at once)
            for (String target : List.of("direct", "gateway")) {
                Map<String, Object> fe = Extras.firstEvent(target.equals("direct") ? fxUrl : gwUrl,
                        target.equals("direct") ? "progress" : "fx_progress", 50, 300);
                fe.put("path", target);
                log("  first SSE event " + target + ": p50 " + fe.get("p50Ms") + " ms, p99 " + fe.get("p99Ms") + " ms");
                firstEventRows.add(fe);
            }
        }

        // --- the Redis session store: memory vs redis, one replica vs two (the gateway above serves as the memory one)
        if (has("redis")) {
            redisScenario(fixture.pid(), fxUrl, gw,
                    ints(opts.getOrDefault("redis-concurrency", opts.getOrDefault("concurrency", "1,16,64"))));
        }
        if (gw != null) {
            gw.stop();
        }

        // --- start-up of the plain jar, without the AOT cache nor Spring AOT, for comparison
        if (has("call") && opts.containsKey("gateway-aot")) {
            startGateway("1 fixture upstream, plain jar (no AOT cache, no Spring AOT)", List.of(new Upstream("fixture", fxUrl, "fx_")),
                    List.of("-XX:AOTMode=off")).stop();
        }

        // --- memory: many sessions, then many open GET streams, in a 512 MB heap
        if (has("memory") && !"0".equals(opts.getOrDefault("memory-sessions", "10000"))) {
            int sessions = Integer.parseInt(opts.getOrDefault("memory-sessions", "10000"));
            int streams = Integer.parseInt(opts.getOrDefault("memory-streams", "2000"));
            Started mg = startGateway("memory (-Xmx512m)", List.of(new Upstream("fixture", fxUrl, "fx_")), List.of("-Xmx512m"),
                    List.of(NO_SESSION_LIMIT));
            log("opening " + sessions + " sessions and " + streams + " GET streams");
            String jcmd = Path.of(java).resolveSibling("jcmd").toString();
            memory = Extras.memory(mg.url(), mg.process().pid(), jcmd, sessions, streams,
                    "http://127.0.0.1:" + mg.port() + "/actuator", i -> "fx_add");
            memory.put("upstreams", 1);
            log("  " + memory);
            mg.stop();
            // the same in front of many upstreams, with as many streams as sessions: 10,000 TCP connections into the
            // gateway (Jetty sets no limit on connections)
            int wideStreams = Integer.parseInt(opts.getOrDefault("memory-streams-50", "10000"));
            int wideUpstreams = memoryUpstreams();
            if (wideStreams > 0) {
                List<Upstream> ups = new ArrayList<>();
                for (int i = 0; i < wideUpstreams; i++) {
                    ups.add(new Upstream(String.format("fixture%02d", i), fixtureUrl(fixturePort, i), "fx" + i + "_"));
                }
                Started wg = startGateway("memory, " + wideUpstreams + " fixture upstreams (-Xmx512m)", ups,
                        List.of("-Xmx512m"), List.of(NO_SESSION_LIMIT));
                log("opening " + sessions + " sessions and " + wideStreams + " GET streams (" + wideUpstreams + " upstreams)");
                memoryWide = Extras.memory(wg.url(), wg.process().pid(), jcmd, sessions, wideStreams,
                        "http://127.0.0.1:" + wg.port() + "/actuator", i -> "fx" + (i % wideUpstreams) + "_add");
                memoryWide.put("upstreams", wideUpstreams);
                log("  " + memoryWide);
                wg.stop();
            }
        }

        // --- tools/list over N upstreams, one gateway per N
        if (has("list")) {
            for (int n : upstreamCounts) {
                List<Upstream> ups = new ArrayList<>();
                List<String> urls = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    ups.add(new Upstream(String.format("fixture%02d", i), fixtureUrl(fixturePort, i), "fx" + i + "_"));
                    urls.add(fixtureUrl(fixturePort, i));
                }
                Started g = startGateway(n + " fixture upstream" + (n == 1 ? "" : "s"), ups);
                Map<String, String> hubUps = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) {
                    hubUps.put(String.format("fixture%02d", i), fixtureUrl(fixturePort, i));
                }
                Started listHub = startHub(n + " fixture upstreams", hubUps);
                jitWarmup("tools/list n=" + n, listHub == null
                        ? List.of(new LoadGen.Spec(List.of(g.url()), "tools/list", null, null, 16, 0, 0))
                        : List.of(new LoadGen.Spec(List.of(g.url()), "tools/list", null, null, 16, 0, 0),
                                new LoadGen.Spec(List.of(listHub.url()), "tools/list", null, null, 16, 0, 0)));
                for (int c : listConcurrencies) {
                    Map<String, Object> cpuDirect = new LinkedHashMap<>();
                    Map<String, Object> cpuGateway = new LinkedHashMap<>();
                    LoadGen.Result direct = measure("tools/list n=" + n + " c=" + c + " direct (client fans out)",
                            new LoadGen.Spec(urls, "tools/list", null, null, c, warmup, duration),
                            roles(fixture.pid(), 0), cpuDirect);
                    LoadGen.Result via = measure("tools/list n=" + n + " c=" + c + " gateway",
                            new LoadGen.Spec(List.of(g.url()), "tools/list", null, null, c, warmup, duration),
                            roles(fixture.pid(), g.process().pid()), cpuGateway);
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("upstreams", n);
                    row.put("tools", n * FixtureUpstream.TOOLS_PER_SERVER);
                    row.put("sessions", c);
                    row.put("direct", direct.toMap());
                    row.put("gateway", via.toMap());
                    row.put("throughputRatio", ratio(via.throughput(), direct.throughput()));
                    row.put("p50Ratio", ratio(via.p50Ms(), direct.p50Ms()));
                    row.put("cpuMicrosPerList", Map.of("direct", cpuDirect, "gateway", cpuGateway));
                    if (listHub != null) {
                        Thread.sleep(2000);
                        Map<String, Object> cpuHub = new LinkedHashMap<>();
                        LoadGen.Result peer = measure("tools/list n=" + n + " c=" + c + " mcp-hub",
                                new LoadGen.Spec(List.of(listHub.url()), "tools/list", null, null, c, warmup, duration),
                                roles(fixture.pid(), listHub.process().pid()), cpuHub);
                        row.put("cpuMicrosPerListMcpHub", cpuHub);
                        row.put("mcpHub", peer.toMap());
                        row.put("gatewayToHubRatio", ratio(via.throughput(), peer.throughput()));
                    }
                    listRows.add(row);
                }
                g.stop();
                if (listHub != null) {
                    listHub.stop();
                }
            }
        }

        if (everything != null) {
            everything.destroy();
        }
        if (fixture != null) {
            fixture.destroy();
        }

        // --- cold fan-out over remote upstreams
        long latency = Long.parseLong(opts.getOrDefault("remote-latency-ms", "20"));
        if (has("fan-out") && latency > 0) {
            coldFanOut(upstreamCounts, upstreamCounts.stream().mapToInt(Integer::intValue).max().orElse(1), latency);
        }
        if (has("scale-out")) {
            scaleOut();
        }
        if (has("soak") && !"0".equals(opts.getOrDefault("soak-sessions", "10000"))) {
            soak();
        }
        double totalSeconds = (System.nanoTime() - t0) / 1e9;
        log(String.format(Locale.ROOT, "done in %.0f s", totalSeconds));
        write(totalSeconds);
        if (Boolean.parseBoolean(opts.getOrDefault("fail-on-errors", "false"))) {
            List<String> failures = failures();
            if (!failures.isEmpty()) {
                throw new IllegalStateException("errors in the run (--fail-on-errors): " + failures);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ targets

    private static Map<String, Object> target(String target, String measured, String verdict) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", target);
        m.put("measured", measured);
        m.put("verdict", verdict);
        return m;
    }

    private static String met(boolean ok) {
        return ok ? "met" : "not met";
    }

    private static String notRun(String why) {
        return "not run (" + why + ")";
    }

    private Map<String, Object> callRow(String upstream, int sessions) {
        return callRows.stream().filter(r -> upstream.equals(r.get("upstream")) && Integer.valueOf(sessions).equals(r.get("sessions")))
                .findFirst().orElse(null);
    }

    private Map<String, Object> listRow(int upstreams, int sessions) {
        return listRows.stream().filter(r -> Integer.valueOf(upstreams).equals(r.get("upstreams"))
                && Integer.valueOf(sessions).equals(r.get("sessions"))).findFirst().orElse(null);
    }

    private static Object listCpu(Map<String, Object> row) {
        return row == null ? null : asMap(asMap(row.get("cpuMicrosPerList")).get("gateway")).get("middle");
    }

    /** One row per target: what it asks, this run's value(s), met / not met / not run (why); computed, never typed in. */
    private List<Map<String, Object>> targets() {
        List<Map<String, Object>> t = new ArrayList<>();
        // streams: heap per client stream, per memory row
        for (Map<String, Object> r : Stream.of(memory, memoryWide).filter(Objects::nonNull).toList()) {
            String what = "heap per open client GET stream ≤ 32 KiB (" + r.get("upstreams") + " upstream"
                    + (num(r.get("upstreams")) == 1 ? "" : "s") + ", -Xmx512m)";
            Object kib = r.get("heapPerStreamKiB");
            String fail = memoryFailure(r);
            String measured = (kib == null ? "-" : fmt2(num(kib)) + " KiB") + " with " + r.get("streamsOpened") + " of "
                    + r.get("streamsRequested") + " streams open" + (fail.isEmpty() ? "" : "; " + fail);
            t.add(target(what, measured, kib == null ? notRun("no stream open") : met(num(kib) <= 32 && fail.isEmpty())));
        }
        if (memory == null) {
            t.add(target("heap per open client GET stream ≤ 32 KiB", "-", notRun("memory scenario not in this run")));
        }
        // 10,000 streams in front of 50 upstreams in 512 MB
        String wide = "10,000 open client GET streams in front of 50 upstreams, -Xmx512m, another client served";
        if (memoryWide == null) {
            t.add(target(wide, "-", notRun("the memory scenario's many-upstream row not in this run")));
        } else {
            int asked = (int) num(memoryWide.get("streamsRequested"));
            int open = (int) num(memoryWide.get("streamsOpened"));
            int ups = (int) num(memoryWide.get("upstreams"));
            String fail = memoryFailure(memoryWide);
            Map<String, Object> with = asMap(memoryWide.get("withSessionsAndStreams"));
            String measured = open + " of " + asked + " streams open, " + ups + " upstreams, heap "
                    + (with == null || with.get("heapUsedMiB") == null ? "-" : fmt(num(with.get("heapUsedMiB"))) + " MiB")
                    + ", " + memoryWide.get("toolsListedMeanwhile") + " tools listed meanwhile" + (fail.isEmpty() ? "" : "; " + fail);
            boolean ok = open == asked && fail.isEmpty() && num(memoryWide.get("toolsListedMeanwhile")) > 0;
            t.add(target(wide, measured, asked < 10_000 || ups < 50
                    ? (ok ? "" : "not met at this size; ") + notRun("this run asked for " + asked + " streams over " + ups + " upstreams")
                    : met(ok)));
        }
        // upstream streams only where needed
        String needed = "no upstream GET stream held for a client GET stream (Java fixture: tools only)";
        List<Map<String, Object>> rows = Stream.of(memory, memoryWide).filter(Objects::nonNull).toList();
        if (rows.isEmpty()) {
            t.add(target(needed, "-", notRun("memory scenario not in this run")));
        } else {
            StringBuilder b = new StringBuilder();
            boolean ok = true;
            for (Map<String, Object> r : rows) {
                Object n = r.get("upstreamStreamsForClientStreams");
                b.append(b.isEmpty() ? "" : "; ").append(r.get("upstreams")).append(" upstream(s): ").append(n == null ? "-" : n)
                        .append(" upstream streams for ").append(r.get("streamsOpened")).append(" client streams");
                ok &= n != null && num(n) == 0;
            }
            t.add(target(needed, b.toString(), met(ok)));
        }
        // relay cost
        Map<String, Object> c16 = callRow("java-fixture", 16);
        Object cpu16 = c16 == null ? null : asMap(asMap(c16.get("cpuMicrosPerCall")).get("gateway")).get("middle");
        t.add(target("gateway CPU per relayed tools/call ≤ 80 µs (16 sessions, Java fixture)",
                cpu16 == null ? "-" : cpu16 + " µs", cpu16 == null ? notRun("no 16-session tools/call cell") : met(num(cpu16) <= 80)));
        // list CPU at N vs 1 upstream
        int maxN = listRows.stream().mapToInt(r -> (Integer) r.get("upstreams")).max().orElse(0);
        String listWhat = "gateway CPU per cached tools/list at 50 upstreams ≤ 2 × at 1 upstream (1 and 16 sessions)";
        if (maxN <= 1) {
            t.add(target(listWhat, "-", notRun("no tools/list cells over more than 1 upstream")));
        } else {
            StringBuilder b = new StringBuilder();
            boolean ok = true;
            boolean any = false;
            for (int c : List.of(1, 16)) {
                Object one = listCpu(listRow(1, c));
                Object many = listCpu(listRow(maxN, c));
                if (one == null || many == null || num(one) == 0) {
                    b.append(b.isEmpty() ? "" : "; ").append(c).append(" session(s): -");
                    ok = false;
                    continue;
                }
                any = true;
                double q = num(many) / num(one);
                ok &= q <= 2;
                b.append(b.isEmpty() ? "" : "; ").append(c).append(" session(s): ").append(many).append(" µs at ").append(maxN)
                        .append(" vs ").append(one).append(" µs at 1 = ").append(fmt2(q)).append("×");
            }
            t.add(target(listWhat, b.toString(), !any ? notRun("no pair of cells") : maxN != 50
                    ? notRun("the run's largest N is " + maxN) : met(ok)));
        }
        // scale-out
        String so = "2 replicas (Redis store) ≥ 1.7 × the calls/s of 1, CPU-bound, each on cores of its own";
        if (!has("scale-out")) {
            t.add(target(so, "-", notRun("scale-out scenario not in this run")));
        } else if (!Boolean.TRUE.equals(scaleOut.get("ran"))) {
            t.add(target(so, "-", notRun(String.valueOf(scaleOut.get("reason")))));
        } else {
            String measured = fmt(num(asMap(scaleOut.get("twoReplicas")).get("throughputPerSec"))) + " / "
                    + fmt(num(asMap(scaleOut.get("oneReplica")).get("throughputPerSec"))) + " calls/s = "
                    + scaleOut.get("twoToOneReplicaRatio") + "×";
            t.add(target(so, measured, Boolean.TRUE.equals(scaleOut.get("forced"))
                    ? notRun("forced on " + scaleOut.get("nproc") + " shared cores: says nothing")
                    : met(num(scaleOut.get("twoToOneReplicaRatio")) >= 1.7)));
        }
        // soak
        String soakWhat = "soak: 10,000 sessions, 10 min of tools/call, flat heap (growth < 5 %) and no error";
        if (soak == null) {
            t.add(target(soakWhat, "-", notRun("soak scenario not in this run")));
        } else {
            String measured = soak.get("sessionsOpened") + " sessions, " + soak.get("minutes") + " min, " + soak.get("calls")
                    + " calls; " + soak.get("verdict");
            boolean full = num(soak.get("sessionsRequested")) >= 10_000 && num(soak.get("minutes")) >= 10;
            boolean flat = Boolean.TRUE.equals(soak.get("flat"));
            t.add(target(soakWhat, measured, full ? met(flat)
                    : (flat ? "" : "not met at this size; ") + notRun("this run: " + soak.get("sessionsRequested") + " sessions, "
                    + soak.get("minutes") + " min")));
        }
        // kept: added latency at 1 session
        Map<String, Object> c1 = callRow("java-fixture", 1);
        if (c1 == null) {
            t.add(target("added p50 ≤ 1 ms / p99 ≤ 3 ms at 1 session (Java fixture)", "-", notRun("no 1-session tools/call cell")));
        } else {
            double p50 = num(asMap(c1.get("gateway")).get("p50Ms")) - num(asMap(c1.get("direct")).get("p50Ms"));
            double p99 = num(asMap(c1.get("gateway")).get("p99Ms")) - num(asMap(c1.get("direct")).get("p99Ms"));
            t.add(target("added p50 ≤ 1 ms / p99 ≤ 3 ms at 1 session (Java fixture)",
                    String.format(Locale.ROOT, "%+.2f ms / %+.2f ms", p50, p99), met(p50 <= 1 && p99 <= 3)));
        }
        // kept: cached list p50
        List<Map<String, Object>> ones = listRows.stream().filter(r -> Integer.valueOf(1).equals(r.get("sessions"))).toList();
        if (ones.isEmpty()) {
            t.add(target("cached tools/list p50 ≤ 1 ms (1 / 10 / 50 upstreams, 1 session)", "-", notRun("no 1-session tools/list cells")));
        } else {
            StringBuilder b = new StringBuilder();
            boolean ok = true;
            for (Map<String, Object> r : ones) {
                double p = num(asMap(r.get("gateway")).get("p50Ms"));
                ok &= p <= 1;
                b.append(b.isEmpty() ? "" : ", ").append(r.get("upstreams")).append(": ").append(fmt2(p)).append(" ms");
            }
            t.add(target("cached tools/list p50 ≤ 1 ms (1 / 10 / 50 upstreams, 1 session)", b.toString(), met(ok)));
        }
        // kept: cold fan-out
        Map<String, Object> f1 = fanOutRows.stream().filter(r -> Integer.valueOf(1).equals(r.get("upstreams"))).findFirst().orElse(null);
        Map<String, Object> fMax = fanOutRows.stream().max(Comparator.comparingInt(r -> (Integer) r.get("upstreams"))).orElse(null);
        if (f1 == null || fMax == null || fMax == f1) {
            t.add(target("cold fan-out tools/list, 50 remote upstreams ≤ 1.5 × 1", "-", notRun("no cold fan-out rows over 1 and more upstreams")));
        } else {
            double q = num(fMax.get("gatewayColdListMedianMs")) / num(f1.get("gatewayColdListMedianMs"));
            String measured = fmt2(num(fMax.get("gatewayColdListMedianMs"))) + " ms at " + fMax.get("upstreams") + " vs "
                    + fmt2(num(f1.get("gatewayColdListMedianMs"))) + " ms at 1 = " + fmt2(q) + "×";
            t.add(target("cold fan-out tools/list, 50 remote upstreams ≤ 1.5 × 1", measured,
                    Integer.valueOf(50).equals(fMax.get("upstreams")) ? met(q <= 1.5) : notRun("the run's largest N is " + fMax.get("upstreams"))));
        }
        // kept: ready time
        List<Double> ready = startRows.stream().filter(r -> !String.valueOf(r.get("gateway")).contains("plain jar"))
                .map(r -> num(r.get("readyMs"))).sorted().toList();
        if (ready.isEmpty()) {
            t.add(target("ready ≤ 3 s as the image starts it (JDK AOT cache + Spring AOT), median", "-", notRun("no gateway started")));
        } else {
            double median = ready.get(ready.size() / 2);
            String measured = String.format(Locale.ROOT, "median %.2f s of %d gateways (%.2f–%.2f s)", median / 1000, ready.size(),
                    ready.get(0) / 1000, ready.get(ready.size() - 1) / 1000);
            t.add(target("ready ≤ 3 s as the image starts it (JDK AOT cache + Spring AOT), median", measured,
                    opts.containsKey("gateway-aot") ? met(median <= 3000) : notRun("no JDK AOT cache in this run: --gateway-aot not given")));
        }
        return t;
    }

    /** What failed in the scenarios whose errors are not cells of their own (memory rows, soak, scale-out). */
    private List<String> failures() {
        List<String> f = new ArrayList<>();
        for (Map<String, Object> r : Stream.of(memory, memoryWide).filter(Objects::nonNull).toList()) {
            String why = memoryFailure(r);
            if (!why.isEmpty() || !Objects.equals(r.get("streamsOpened"), r.get("streamsRequested"))) {
                f.add("memory, " + r.get("upstreams") + " upstream(s): " + r.get("streamsOpened") + " of "
                        + r.get("streamsRequested") + " streams " + why);
            }
        }
        if (soak != null && (num(soak.get("errors")) > 0 || soak.containsKey("sessionFailure") || num(soak.get("calls")) == 0)) {
            f.add("soak: " + soak.get("errors") + " errors, " + soak.get("calls") + " calls, first: "
                    + soak.getOrDefault("firstError", soak.get("sessionFailure")));
        }
        if (Boolean.TRUE.equals(scaleOut.get("ran"))) {
            for (String k : List.of("oneReplica", "twoReplicas")) {
                Map<String, Object> c = asMap(scaleOut.get(k));
                if (c == null || num(c.get("errors")) > 0 || num(c.get("operations")) == 0) {
                    f.add("scale-out " + k + ": " + (c == null ? "missing" : c.get("errors") + " errors, first: " + c.get("firstError")));
                }
            }
        }
        return f;
    }

    // ------------------------------------------------------------------------------------------------ soak

    /**
     * A gateway with -Xmx512m in front of a Java fixture of its own; --soak-sessions sessions, then --soak-minutes of
     * tools/call from --soak-clients clients over all of them, the heap after a full GC sampled every
     * --soak-sample-seconds (see {@link Soak}).
     */
    private void soak() throws Exception {
        int sessions = Integer.parseInt(opts.getOrDefault("soak-sessions", "10000"));
        double seconds = Double.parseDouble(opts.getOrDefault("soak-minutes", "10")) * 60;
        double every = Double.parseDouble(opts.getOrDefault("soak-sample-seconds", "30"));
        int clients = Integer.parseInt(opts.getOrDefault("soak-clients", "16"));
        log("starting fixture upstream for the soak (1 server)");
        Process fx = start("soak-fixture", List.of(java, "-cp", System.getProperty("java.class.path"),
                "io.camelmcp.bench.FixtureUpstream", "0", "1"), Map.of());
        try {
            int port = Integer.parseInt(waitForLog("soak-fixture", fx, Pattern.compile("READY port=(\\d+)"), 60).group(1));
            Started g = startGateway("soak (-Xmx512m)", List.of(new Upstream("fixture", fixtureUrl(port, 0), "fx_")),
                    List.of("-Xmx512m"), List.of(NO_SESSION_LIMIT));
            try {
                log("soak: " + sessions + " sessions, " + clients + " clients, " + LoadGen.round(seconds / 60) + " min");
                soak = Soak.run(g.url(), g.process().pid(), Path.of(java).resolveSibling("jcmd").toString(),
                        "http://127.0.0.1:" + g.port() + "/actuator", sessions, seconds, every, clients, "fx_add");
                log("  soak: " + soak.get("calls") + " calls, " + soak.get("errors") + " errors; heap first / last / max "
                        + soak.get("heapFirstMiB") + " / " + soak.get("heapLastMiB") + " / " + soak.get("heapMaxMiB")
                        + " MiB; " + soak.get("verdict"));
            } finally {
                g.stop();
            }
        } finally {
            stopProcess(fx);
        }
    }

    // ------------------------------------------------------------------------------------------------ scale-out

    /**
     * Two replicas with the Redis store against one, on a machine with the cores for it (--scale-out-min-cores, 8):
     * each replica, the fixture, Redis and the load generator (a JVM of its own here) pinned to cores of their own with
     * taskset, --scale-out-sessions (64) sessions of tools/call of the fixture's add (CPU-bound: nothing waits but for
     * CPU). On fewer cores the row says it did not run and why (--scale-out-force=true runs it anyway, on shared cores).
     */
    private void scaleOut() throws Exception {
        int nproc = Runtime.getRuntime().availableProcessors();
        int min = Integer.parseInt(opts.getOrDefault("scale-out-min-cores", "8"));
        boolean force = Boolean.parseBoolean(opts.getOrDefault("scale-out-force", "false"));
        int sessions = Integer.parseInt(opts.getOrDefault("scale-out-sessions", "64"));
        String server = opts.getOrDefault("redis-server", "redis-server");
        scaleOut.put("nproc", nproc);
        scaleOut.put("minCores", min);
        scaleOut.put("sessions", sessions);
        String why = null;
        if (!commandOutput(List.of(server, "--version")).startsWith("Redis server")) {
            why = "redis-server not found (" + server + ")";
        } else if (!commandOutput(List.of("taskset", "-c", "0", "true")).isEmpty()) {
            why = "taskset not found: the processes cannot be given cores of their own";
        } else if (nproc < min && !force) {
            why = "nproc " + nproc + " < " + min + ": two replicas, the fixture, Redis and the load generator each need "
                    + "cores of their own, or the second replica only takes CPU from the others (the Redis store's "
                    + "two-replica row shows what spreading sessions over replicas costs instead)";
        }
        if (why != null) {
            scaleOut.put("ran", false);
            scaleOut.put("reason", why);
            log("scale-out not run: " + why);
            return;
        }
        // cores: each replica g, Redis 1, the rest split between the fixture and the load generator
        int g = Math.max(1, nproc / 6);
        int rest = Math.max(2, nproc - 2 * g - 1);
        int fixtureCores = Math.max(1, rest / 2);
        int[] next = {0};
        java.util.function.IntFunction<String> take = n -> {
            List<String> c = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                c.add(Integer.toString(next[0]++ % nproc));
            }
            return String.join(",", c);
        };
        Map<String, String> cores = new LinkedHashMap<>();
        cores.put("replica1", take.apply(g));
        cores.put("replica2", take.apply(g));
        cores.put("redis", take.apply(1));
        cores.put("fixture", take.apply(fixtureCores));
        cores.put("loadgen", take.apply(Math.max(1, rest - fixtureCores)));
        scaleOut.put("cores", cores);
        scaleOut.put("forced", nproc < min);
        int port = freePort();
        Process redis = start("scale-out-redis", List.of("taskset", "-c", cores.get("redis"), server, "--port",
                Integer.toString(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"), Map.of());
        Process fx = start("scale-out-fixture", List.of("taskset", "-c", cores.get("fixture"), java, "-cp",
                System.getProperty("java.class.path"), "io.camelmcp.bench.FixtureUpstream", "0", "1"), Map.of());
        List<Started> replicas = new ArrayList<>();
        try {
            waitForLog("scale-out-redis", redis, Pattern.compile("Ready to accept connections"), 30);
            int fxPort = Integer.parseInt(waitForLog("scale-out-fixture", fx, Pattern.compile("READY port=(\\d+)"), 60).group(1));
            List<Upstream> ups = List.of(new Upstream("fixture", fixtureUrl(fxPort, 0), "fx_"));
            List<String> store = List.of("--mcp.gateway.store=redis", "--spring.data.redis.url=redis://127.0.0.1:" + port);
            Launched la = launchGateway("scale-out replica 1 (cores " + cores.get("replica1") + ")", ups, List.of(), store,
                    List.of("taskset", "-c", cores.get("replica1")));
            Launched lb = launchGateway("scale-out replica 2 (cores " + cores.get("replica2") + ")", ups, List.of(), store,
                    List.of("taskset", "-c", cores.get("replica2")));
            replicas.add(awaitGateway(la));
            replicas.add(awaitGateway(lb));
            double w = jitWarmupSeconds() + warmup;
            Map<String, Object> one = pinnedLoad("scale-out 1 replica", cores.get("loadgen"), false,
                    List.of(replicas.get(0).url()), sessions, w, duration);
            Map<String, Object> two = pinnedLoad("scale-out 2 replicas round robin", cores.get("loadgen"), true,
                    List.of(replicas.get(0).url(), replicas.get(1).url()), sessions, w, duration);
            scaleOut.put("ran", true);
            scaleOut.put("oneReplica", one);
            scaleOut.put("twoReplicas", two);
            scaleOut.put("twoToOneReplicaRatio", ratio(num(two.get("throughputPerSec")), num(one.get("throughputPerSec"))));
            log("  scale-out: 2 replicas / 1 = " + scaleOut.get("twoToOneReplicaRatio"));
        } finally {
            for (Started r : replicas) {
                r.stop();
            }
            stopProcess(fx);
            stopProcess(redis);
        }
    }

    /** A LoadGen in a JVM of its own, pinned to {@code cpus}; its result (LoadGen's JSON). */
    private Map<String, Object> pinnedLoad(String label, String cpus, boolean roundRobin, List<String> urls, int c,
                                           double warmupS, double durationS) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("taskset", "-c", cpus, java, "-cp", System.getProperty("java.class.path"),
                "io.camelmcp.bench.LoadGen"));
        if (roundRobin) {
            cmd.add("--round-robin");
        }
        cmd.addAll(List.of(String.join(",", urls), "call", "fx_add", SUM_ARGS.toString(), Integer.toString(c),
                Double.toString(warmupS), Double.toString(durationS)));
        String name = "loadgen-" + label.replaceAll("\\W+", "-");
        Process p = start(name, cmd, Map.of());
        if (!p.waitFor((long) (warmupS + durationS) + 120, TimeUnit.SECONDS)) {
            stopProcess(p);
            throw new IOException(label + ": the load generator did not end, see " + logFile(name));
        }
        String text = Files.readString(logFile(name).toPath());
        if (p.exitValue() != 0 || text.indexOf('{') < 0) {
            throw new IOException(label + ": the load generator failed (" + p.exitValue() + "), see " + logFile(name));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> r = McpSession.JSON.readValue(text.substring(text.indexOf('{')), Map.class);
        log(String.format(Locale.ROOT, "  %-55s %9.0f/s  p50 %7.2f  p99 %7.2f ms  errors %s (cores %s)", label,
                num(r.get("throughputPerSec")), num(r.get("p50Ms")), num(r.get("p99Ms")), r.get("errors"), cpus));
        return r;
    }

    /** The upstreams of the memory scenario's second row (--memory-upstreams, 50). */
    private int memoryUpstreams() {
        return Integer.parseInt(opts.getOrDefault("memory-upstreams", "50"));
    }

    /** Every session the bench opens comes from 127.0.0.1: no per-client limit (mcp.gateway.max-sessions-per-client, 100). */
    private static final String NO_SESSION_LIMIT = "--mcp.gateway.max-sessions-per-client=0";

    private static final JsonNode SUM_ARGS = McpSession.JSON.createObjectNode().put("a", 1).put("b", 2);

    /**
     * Client capability forms the catalogue keeps a view for: each one's first tools/list is read from every upstream
     * at once (a session each, opened and listed), which is the gateway's cold path.
     */
    private static final List<String> VIEWS = List.of("{\"sampling\":{}}", "{\"roots\":{\"listChanged\":true}}",
            "{\"elicitation\":{\"form\":{}}}", "{\"sampling\":{\"context\":{}}}", "{\"elicitation\":{},\"sampling\":{}}",
            "{\"elicitation\":{\"url\":{}}}", "{\"roots\":{}}");

    /** Up to {@code count} other capability forms than {@link #VIEWS}, each a view of its own in the catalogue. */
    private static List<String> warmViews(int count) {
        List<String> elicitation = List.of("", "{}", "{\"form\":{}}", "{\"url\":{}}", "{\"form\":{},\"url\":{}}");
        List<String> sampling = List.of("", "{}", "{\"context\":{}}", "{\"tools\":{}}", "{\"context\":{},\"tools\":{}}");
        List<String> roots = List.of("", "{}", "{\"listChanged\":true}");
        List<String> out = new ArrayList<>();
        for (String e : elicitation) {
            for (String s : sampling) {
                for (String r : roots) {
                    List<String> members = new ArrayList<>();
                    if (!e.isEmpty()) {
                        members.add("\"elicitation\":" + e);
                    }
                    if (!s.isEmpty()) {
                        members.add("\"sampling\":" + s);
                    }
                    if (!r.isEmpty()) {
                        members.add("\"roots\":" + r);
                    }
                    String form = "{" + String.join(",", members) + "}";
                    if (!members.isEmpty() && !VIEWS.contains(form) && out.size() < count) {
                        out.add(form);
                    }
                }
            }
        }
        return out;
    }

    /**
     * The parallel fan-out, measured where it matters: upstreams that take {@code latency} ms per request, as across
     * a network (their time is not spent on this machine's cores, which the co-located fixture's is). For 1, 10 and
     * 50 such upstreams: the gateway's cold tools/list for several client capability forms, each read from every
     * upstream at once; and what a client does without the gateway, one upstream after the other.
     */
    private void coldFanOut(List<Integer> counts, int max, long latency) throws Exception {
        log("starting remote fixture (" + max + " servers, " + latency + " ms per request)");
        Process remote = start("remote-fixture", List.of(java, "-cp", System.getProperty("java.class.path"),
                "io.camelmcp.bench.FixtureUpstream", "0", Integer.toString(max), Long.toString(latency)), Map.of());
        int port = Integer.parseInt(waitForLog("remote-fixture", remote, Pattern.compile("READY port=(\\d+)"), 60).group(1));
        try (HttpClient http = McpSession.newHttpClient()) {
            for (int n : counts) {
                List<Upstream> ups = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    ups.add(new Upstream(String.format("remote%02d", i), fixtureUrl(port, i), "rm" + i + "_"));
                }
                Started g = startGateway(n + " remote upstream" + (n == 1 ? "" : "s") + " (" + latency + " ms)", ups);
                // the JIT compiles the paths a cold read takes (relayed calls, cached lists) before the forms are
                // measured: the row shows the fan-out of a running gateway; the start-up table has a fresh one's
                jitWarmup("cold fan-out n=" + n, List.of(
                        new LoadGen.Spec(List.of(g.url()), "tools/call", "rm0_add", SUM_ARGS, 16, 0, 0),
                        new LoadGen.Spec(List.of(g.url()), "tools/list", null, null, 16, 0, 0)));
                if (jitWarmupSeconds() > 0) {
                    // and the cold read itself, with forms that are not measured (a running gateway has seen some)
                    for (String caps : warmViews(20)) {
                        McpSession s = new McpSession(http, g.url());
                        s.initialize((ObjectNode) McpSession.JSON.readTree(caps));
                        s.request("tools/list", McpSession.JSON.createObjectNode());
                        s.close();
                    }
                }
                List<Double> cold = new ArrayList<>();
                String error = null;
                for (String caps : VIEWS) {
                    McpSession s = new McpSession(http, g.url());
                    s.initialize((ObjectNode) McpSession.JSON.readTree(caps));
                    long t = System.nanoTime();
                    JsonNode r = s.request("tools/list", McpSession.JSON.createObjectNode());
                    cold.add((System.nanoTime() - t) / 1e6);
                    if (r.path("result").path("tools").size() != n * FixtureUpstream.TOOLS_PER_SERVER) {
                        error = McpSession.abbreviate(r.toString());
                    }
                    s.close();
                }
                g.stop();
                // without a gateway: a session with each upstream and its list, one upstream after the other
                long d = System.nanoTime();
                for (Upstream u : ups) {
                    McpSession s = new McpSession(http, u.url());
                    s.initialize();
                    s.request("tools/list", McpSession.JSON.createObjectNode());
                    s.close();
                }
                double directMs = (System.nanoTime() - d) / 1e6;
                List<Double> sorted = cold.stream().sorted().toList();
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("upstreams", n);
                row.put("latencyMs", latency);
                row.put("gatewayColdListMs", cold.stream().map(LoadGen::round).toList());
                row.put("gatewayColdListMedianMs", LoadGen.round(sorted.get(sorted.size() / 2)));
                row.put("directSequentialMs", LoadGen.round(directMs));
                if (error != null) {
                    row.put("error", error);
                }
                log(String.format(Locale.ROOT, "  cold fan-out n=%d: gateway median %.1f ms %s, client alone %.1f ms", n,
                        sorted.get(sorted.size() / 2), cold.stream().map(v -> String.format(Locale.ROOT, "%.0f", v)).toList(), directMs));
                fanOutRows.add(row);
            }
        } finally {
            stopProcess(remote);
        }
    }

    // ------------------------------------------------------------------------------------------------ Redis store

    /**
     * The Redis session store ({@code mcp.gateway.store=redis}), tools/call of the fixture's {@code add}: a gateway
     * with the memory store (the tools/call scenario's, when it ran), one with the Redis store, and two replicas with
     * the Redis store sharing one redis-server (started here on a free port, no persistence), reached round robin.
     * Around each Redis cell, the server's command counters (INFO commandstats) give the commands per call.
     */
    private void redisScenario(long fixturePid, String fxUrl, Started memoryGateway, List<Integer> concurrencies)
            throws Exception {
        String server = opts.getOrDefault("redis-server", "redis-server");
        String version = commandOutput(List.of(server, "--version"));
        if (!version.startsWith("Redis server")) {
            redisStore.put("skipped", "redis-server not found (" + server + "): the Redis store rows need it "
                    + "(apt-get install redis-server; .ci/run installs it)");
            log("Redis store scenario skipped: " + redisStore.get("skipped"));
            return;
        }
        redisStore.put("redisServer", version);
        int port = freePort();
        log("starting redis-server on port " + port);
        Process redis = start("redis", List.of(server, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no"), Map.of());
        List<Started> own = new ArrayList<>();
        try {
            waitForLog("redis", redis, Pattern.compile("Ready to accept connections"), 30);
            List<Upstream> ups = List.of(new Upstream("fixture", fxUrl, "fx_"));
            Started mem = memoryGateway;
            if (mem == null) {
                mem = startGateway("1 fixture upstream, store=memory", ups);
                own.add(mem);
            }
            redisStore.put("memoryGateway", memoryGateway == null ? "one of its own (1 fixture upstream)"
                    : "the tools/call scenario's (fixture and server-everything upstreams)");
            List<String> store = List.of("--mcp.gateway.store=redis", "--spring.data.redis.url=redis://127.0.0.1:" + port);
            // both replicas start at once (the smoke run's budget): their start-up rows say so
            Launched la = launchGateway("1 fixture upstream, store=redis, replica 1 (started with replica 2)", ups, List.of(), store);
            Launched lb = launchGateway("1 fixture upstream, store=redis, replica 2 (started with replica 1)", ups, List.of(), store);
            Started a = awaitGateway(la);
            own.add(a);
            Started b = awaitGateway(lb);
            own.add(b);
            List<String> both = List.of(a.url(), b.url());
            jitWarmup("Redis store", List.of(
                    new LoadGen.Spec(List.of(mem.url()), "tools/call", "fx_add", SUM_ARGS, 16, 0, 0),
                    new LoadGen.Spec(List.of(a.url()), "tools/call", "fx_add", SUM_ARGS, 16, 0, 0),
                    // replica 2 as warm as replica 1 (which also serves the one-replica cells) before the round robin
                    new LoadGen.Spec(List.of(b.url()), "tools/call", "fx_add", SUM_ARGS, 16, 0, 0),
                    new LoadGen.Spec(both, "tools/call", "fx_add", SUM_ARGS, 16, 0, 0, true)));
            for (int c : concurrencies) {
                Map<String, Object> cpuMem = new LinkedHashMap<>();
                Map<String, Object> cpuOne = new LinkedHashMap<>();
                Map<String, Object> cpuTwo = new LinkedHashMap<>();
                Map<String, Long> cmdOne = new LinkedHashMap<>();
                Map<String, Long> cmdTwo = new LinkedHashMap<>();
                LoadGen.Result m = measure("tools/call fx_add c=" + c + " store=memory",
                        new LoadGen.Spec(List.of(mem.url()), "tools/call", "fx_add", SUM_ARGS, c, warmup, duration),
                        processes("gateway", mem, null, 0, fixturePid), cpuMem);
                LoadGen.Result one = measure("tools/call fx_add c=" + c + " store=redis",
                        new LoadGen.Spec(List.of(a.url()), "tools/call", "fx_add", SUM_ARGS, c, warmup, duration),
                        processes("gateway", a, null, redis.pid(), fixturePid), cpuOne, commandCounter(port, cmdOne));
                LoadGen.Result two = measure("tools/call fx_add c=" + c + " store=redis, 2 replicas round robin",
                        new LoadGen.Spec(both, "tools/call", "fx_add", SUM_ARGS, c, warmup, duration, true),
                        processes("replica1", a, b, redis.pid(), fixturePid), cpuTwo, commandCounter(port, cmdTwo));
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("sessions", c);
                row.put("memory", m.toMap());
                row.put("redis", one.toMap());
                row.put("twoReplicas", two.toMap());
                row.put("redisToMemoryRatio", ratio(one.throughput(), m.throughput()));
                row.put("twoToOneReplicaRatio", ratio(two.throughput(), one.throughput()));
                row.put("redisCommandsPerCall", Map.of("redis", perCall(cmdOne, one, null), "twoReplicas", perCall(cmdTwo, two, null)));
                row.put("evalPerCall", Map.of("redis", perCall(cmdOne, one, EVAL), "twoReplicas", perCall(cmdTwo, two, EVAL)));
                row.put("redisCommands", Map.of("redis", cmdOne, "twoReplicas", cmdTwo));
                row.put("cpuMicrosPerCall", Map.of("memory", cpuMem, "redis", cpuOne, "twoReplicas", cpuTwo));
                log(String.format(Locale.ROOT, "  c=%d: redis / memory %s, 2 replicas / 1 %s; Redis commands per call %s / %s %s",
                        c, row.get("redisToMemoryRatio"), row.get("twoToOneReplicaRatio"), perCall(cmdOne, one, null),
                        perCall(cmdTwo, two, null), cmdTwo));
                redisRows.add(row);
            }
            // the round trips: INFO commandstats also counts the commands the Lua scripts run, MONITOR tells them
            // apart; it costs a line per command, so in a pass of its own (not measured for throughput)
            int c = concurrencies.contains(16) ? 16 : concurrencies.stream().mapToInt(Integer::intValue).max().orElse(16);
            double w = Math.min(warmup, 1);
            double d = Math.min(duration, 2);
            Map<String, Object> trips = new LinkedHashMap<>();
            trips.put("sessions", c);
            trips.put("seconds", d);
            trips.put("redis", roundTrips("store=redis", port,
                    new LoadGen.Spec(List.of(a.url()), "tools/call", "fx_add", SUM_ARGS, c, w, d)));
            trips.put("twoReplicas", roundTrips("store=redis, 2 replicas round robin", port,
                    new LoadGen.Spec(both, "tools/call", "fx_add", SUM_ARGS, c, w, d, true)));
            redisStore.put("roundTrips", trips);
        } finally {
            for (Started g : own) {
                g.stop();
            }
            stopProcess(redis);
        }
    }

    /** One pass under MONITOR: the commands clients sent (round trips) and those the scripts ran, per call. */
    private Map<String, Object> roundTrips(String label, int port, LoadGen.Spec spec) throws Exception {
        RedisStats.Monitor[] monitor = new RedisStats.Monitor[1];
        Map<String, Long> clients = new LinkedHashMap<>();
        Map<String, Long> scripts = new LinkedHashMap<>();
        LoadGen.Result r = measure("tools/call fx_add c=" + spec.concurrency() + " " + label + ", under MONITOR", spec,
                Map.of(), null, new LoadGen.Window() {
                    @Override
                    public void started() {
                        try {
                            monitor[0] = new RedisStats.Monitor(port);
                        } catch (IOException e) {
                            log("  MONITOR failed: " + e);
                        }
                    }

                    @Override
                    public void ended() {
                        if (monitor[0] != null) {
                            clients.putAll(monitor[0].clients());
                            scripts.putAll(monitor[0].scripts());
                            try {
                                monitor[0].close();
                            } catch (IOException ignored) {
                                // closing
                            }
                        }
                    }
                });
        long ops = r.operations() + r.errors();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("calls", ops);
        m.put("errors", r.errors());
        m.put("roundTripsPerCall", ops == 0 ? null : LoadGen.round(clients.values().stream().mapToLong(Long::longValue).sum() / (double) ops));
        m.put("scriptCommandsPerCall", ops == 0 ? null : LoadGen.round(scripts.values().stream().mapToLong(Long::longValue).sum() / (double) ops));
        m.put("clientCommands", clients);
        m.put("scriptCommands", scripts);
        log("  Redis round trips per call (" + label + "): " + m.get("roundTripsPerCall") + " " + clients
                + "; run by the scripts: " + m.get("scriptCommandsPerCall") + " " + scripts);
        return m;
    }

    /** The store's Lua scripts (Spring Data sends EVALSHA, EVAL when Redis has not got the script yet). */
    private static final List<String> EVAL = List.of("evalsha", "eval");

    /** Load generator, the gateway (or both replicas), redis-server (when its pid is not 0) and the upstream. */
    private static Map<String, Long> processes(String role, Started gateway, Started second, long redisPid, long upstreamPid) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("loadgen", ProcessHandle.current().pid());
        m.put(role, gateway.process().pid());
        if (second != null) {
            m.put("replica2", second.process().pid());
        }
        if (redisPid != 0) {
            m.put("redis", redisPid);
        }
        m.put("upstream", upstreamPid);
        return m;
    }

    /** Reads INFO commandstats when the measured window starts and when it ends; puts the difference into {@code delta}. */
    private static LoadGen.Window commandCounter(int port, Map<String, Long> delta) {
        return new LoadGen.Window() {
            private Map<String, Long> before;

            @Override
            public void started() {
                before = commandCalls(port);
            }

            @Override
            public void ended() {
                Map<String, Long> after = commandCalls(port);
                if (before != null && after != null) {
                    delta.putAll(RedisStats.delta(before, after));
                }
            }
        };
    }

    private static Map<String, Long> commandCalls(int port) {
        try {
            return RedisStats.commandCalls(port);
        } catch (IOException | RuntimeException e) {
            log("  INFO commandstats failed: " + e);
            return null;
        }
    }

    /** Commands (all, or those named) per operation of the cell, finished or failed, in the measured window. */
    private static Double perCall(Map<String, Long> commands, LoadGen.Result r, List<String> names) {
        long ops = r.operations() + r.errors();
        if (ops == 0 || commands.isEmpty()) {
            return null;
        }
        long n = commands.entrySet().stream().filter(e -> names == null || names.contains(e.getKey()))
                .mapToLong(Map.Entry::getValue).sum();
        return LoadGen.round((double) n / ops);
    }

    // ------------------------------------------------------------------------------------------------ gateway

    private record Upstream(String name, String url, String prefix) {
    }

    /** A started gateway or peer: where its MCP endpoint is, and how to stop it. */
    private record Started(int port, Process process, String url) {
        void stop() throws InterruptedException {
            stopProcess(process);
        }
    }

    private Started startGateway(String label, List<Upstream> upstreams) throws Exception {
        return startGateway(label, upstreams, List.of());
    }

    private Started startGateway(String label, List<Upstream> upstreams, List<String> extraJvmOpts) throws Exception {
        return startGateway(label, upstreams, extraJvmOpts, List.of());
    }

    private Started startGateway(String label, List<Upstream> upstreams, List<String> extraJvmOpts, List<String> appArgs)
            throws Exception {
        return awaitGateway(launchGateway(label, upstreams, extraJvmOpts, appArgs));
    }

    /** A gateway process started, not yet ready. */
    private record Launched(int seq, String label, List<Upstream> upstreams, int port, Process process, long startNanos) {
    }

    private Launched launchGateway(String label, List<Upstream> upstreams, List<String> extraJvmOpts, List<String> appArgs)
            throws Exception {
        return launchGateway(label, upstreams, extraJvmOpts, appArgs, List.of());
    }

    /** The same, its command line after {@code prefix} (e.g. taskset -c 2,3). */
    private Launched launchGateway(String label, List<Upstream> upstreams, List<String> extraJvmOpts, List<String> appArgs,
                                   List<String> prefix) throws Exception {
        int seq = ++gatewaySeq;
        StringBuilder yaml = new StringBuilder("mcp:\n  gateway:\n    demo:\n      enabled: false\n    servers:\n");
        for (Upstream u : upstreams) {
            yaml.append("      - name: ").append(u.name()).append('\n')
                    .append("        url: ").append(u.url()).append('\n')
                    .append("        prefix: ").append(u.prefix()).append('\n');
        }
        Path config = work.resolve("gateway-" + seq + ".yaml");
        Files.writeString(config, yaml);
        int port = freePort();
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(java);
        String jvmOpts = opts.getOrDefault("gateway-jvm-opts", "");
        if (!jvmOpts.isBlank()) {
            cmd.addAll(List.of(jvmOpts.trim().split("\\s+")));
        }
        cmd.addAll(extraJvmOpts);
        String aot = opts.get("gateway-aot");
        if (aot != null && !aot.isBlank() && !extraJvmOpts.contains("-XX:AOTMode=off")) {
            // extracted jar, JDK AOT cache (bin/aot-cache) and Spring AOT's bean definitions, as the image starts it
            cmd.addAll(List.of("-XX:AOTCache=" + aot + "/app.aot", "-Dspring.aot.enabled=true", "-jar", aot + "/gateway.jar"));
        } else {
            cmd.addAll(List.of("-jar", required("gateway-jar")));
        }
        cmd.addAll(List.of("--server.port=" + port, "--server.address=127.0.0.1",
                "--spring.config.additional-location=file:" + config));
        cmd.addAll(appArgs);
        log("starting gateway #" + seq + " (" + label + ") on port " + port);
        long start = System.nanoTime();
        Process p = start("gateway-" + seq, cmd, Map.of());
        return new Launched(seq, label, upstreams, port, p, start);
    }

    /** Waits until it is ready, then measures its first initialize and lists (a start-up row). */
    private Started awaitGateway(Launched launched) throws Exception {
        int seq = launched.seq();
        String label = launched.label();
        List<Upstream> upstreams = launched.upstreams();
        int port = launched.port();
        Process p = launched.process();
        long start = launched.startNanos();
        URI readiness = URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness");
        long deadline = start + 120_000_000_000L;
        while (true) {
            if (!p.isAlive()) {
                throw new IOException("gateway exited with " + p.exitValue() + ", see " + logFile("gateway-" + seq));
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("gateway not ready after 120 s, see " + logFile("gateway-" + seq));
            }
            try {
                HttpResponse<Void> r = PROBE.send(HttpRequest.newBuilder(readiness).timeout(Duration.ofSeconds(2)).GET().build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    break;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(20);
        }
        double readyMs = (System.nanoTime() - start) / 1e6;

        // the first tools/list after readiness, on a fresh session (cold for the client, the JVM and the relay)
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("gateway", label);
        row.put("upstreams", upstreams.size());
        row.put("readyMs", LoadGen.round(readyMs));
        Matcher started = waitForLog("gateway-" + seq, p, Pattern.compile("Started \\w+ in ([0-9.]+) seconds"), 5);
        if (started != null) {
            row.put("springStartedSeconds", Double.parseDouble(started.group(1)));
        }
        try (HttpClient http = McpSession.newHttpClient()) {
            McpSession s = new McpSession(http, "http://127.0.0.1:" + port + "/mcp");
            long i0 = System.nanoTime();
            JsonNode init = s.initialize();
            double initMs = (System.nanoTime() - i0) / 1e6;
            gatewayVersion = init.path("serverInfo").path("version").asText(gatewayVersion);
            long l0 = System.nanoTime();
            JsonNode first = s.request("tools/list", McpSession.JSON.createObjectNode());
            double firstListMs = (System.nanoTime() - l0) / 1e6;
            long l1 = System.nanoTime();
            JsonNode second = s.request("tools/list", McpSession.JSON.createObjectNode());
            double secondListMs = (System.nanoTime() - l1) / 1e6;
            row.put("firstInitializeMs", LoadGen.round(initMs));
            row.put("firstListMs", LoadGen.round(firstListMs));
            row.put("secondListMs", LoadGen.round(secondListMs));
            row.put("toolsListed", first.path("result").path("tools").size());
            // a client declaring other capabilities (elicitation) gets another view of the catalogue, read from
            // every upstream at its first list: the cold, parallel fan-out
            McpSession other = new McpSession(http, "http://127.0.0.1:" + port + "/mcp");
            ObjectNode caps = McpSession.JSON.createObjectNode();
            caps.putObject("elicitation");
            other.initialize(caps);
            long f0 = System.nanoTime();
            JsonNode fanOut = other.request("tools/list", McpSession.JSON.createObjectNode());
            row.put("coldFanOutListMs", LoadGen.round((System.nanoTime() - f0) / 1e6));
            if (fanOut.has("error")) {
                row.put("error", McpSession.abbreviate(fanOut.toString()));
            }
            other.close();
            if (first.has("error") || second.has("error")) {
                row.put("error", McpSession.abbreviate(first.toString()));
            }
            s.close();
        }
        startRows.add(row);
        log("  gateway #" + seq + " ready in " + Math.round(readyMs) + " ms; first tools/list " + row.get("firstListMs")
                + " ms (" + row.get("toolsListed") + " tools)");
        return new Started(port, p, "http://127.0.0.1:" + port + "/mcp");
    }

    // ------------------------------------------------------------------------------------------------ mcp-hub

    /** mcp-hub (npm) in front of the same upstreams, when --hub (its cli.js) is given; null otherwise. */
    private Started startHub(String label, Map<String, String> servers) throws Exception {
        String cli = opts.get("hub");
        if (cli == null || cli.isBlank()) {
            return null;
        }
        int seq = ++gatewaySeq;
        ObjectNode config = McpSession.JSON.createObjectNode();
        ObjectNode list = config.putObject("mcpServers");
        servers.forEach((name, url) -> list.putObject(name).put("url", url));
        Path file = work.resolve("mcp-hub-" + seq + ".json");
        McpSession.JSON.writeValue(file.toFile(), config);
        int port = freePort();
        List<String> cmd = new ArrayList<>(List.of(opts.getOrDefault("node", "node")));
        if (opts.containsKey("hub-preload")) {
            cmd.addAll(List.of("-r", opts.get("hub-preload"))); // binds its listener to 127.0.0.1
        }
        cmd.addAll(List.of(cli, "--port", Integer.toString(port), "--config", file.toString()));
        log("starting mcp-hub #" + seq + " (" + label + ") on port " + port);
        Process p = start("mcp-hub-" + seq, cmd, Map.of());
        waitForLog("mcp-hub-" + seq, p, Pattern.compile("(\\d+)/(\\d+) servers started successfully"), 120);
        // mcp-hub serves the legacy HTTP+SSE transport only: GET /mcp, then POST /messages?sessionId=...
        return new Started(port, p, "sse+http://127.0.0.1:" + port + "/mcp");
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private LoadGen.Result measure(String label, LoadGen.Spec spec) throws Exception {
        return measure(label, spec, Map.of(), null);
    }

    /**
     * Runs one cell; with {@code processes} (role -> pid), also the CPU time (user + system) each of them spent
     * per operation during the measured window, in µs, put into {@code cpuOut}.
     */
    private LoadGen.Result measure(String label, LoadGen.Spec spec, Map<String, Long> processes,
                                   Map<String, Object> cpuOut) throws Exception {
        return measure(label, spec, processes, cpuOut, null);
    }

    /** The same; {@code also} is told when the measured window starts and ends too (after the CPU times are read). */
    private LoadGen.Result measure(String label, LoadGen.Spec spec, Map<String, Long> processes,
                                   Map<String, Object> cpuOut, LoadGen.Window also) throws Exception {
        Map<String, long[]> ticks = new LinkedHashMap<>();
        LoadGen.Result r = LoadGen.run(spec, processes.isEmpty() && also == null ? null : new LoadGen.Window() {
            @Override public void started() {
                processes.forEach((role, pid) -> ticks.put(role, new long[] {cpuTicks(pid), 0}));
                if (also != null) {
                    also.started();
                }
            }
            @Override public void ended() {
                processes.forEach((role, pid) -> ticks.get(role)[1] = cpuTicks(pid));
                if (also != null) {
                    also.ended();
                }
            }
        });
        StringBuilder cpu = new StringBuilder();
        if (cpuOut != null && r.operations() > 0) {
            ticks.forEach((role, t) -> {
                double us = (t[1] - t[0]) * 1e6 / CLOCK_TICKS / r.operations();
                cpuOut.put(role, Math.round(us));
                cpu.append(' ').append(role).append(' ').append(Math.round(us));
            });
        }
        log(String.format(Locale.ROOT, "  %-55s %9.0f/s  p50 %7.2f  p90 %7.2f  p99 %7.2f ms%s%s", label, r.throughput(),
                r.p50Ms(), r.p90Ms(), r.p99Ms(), cpu.isEmpty() ? "" : "  CPU µs/op:" + cpu,
                r.errors() > 0 ? "  errors " + r.errors() + ": " + r.firstError() : ""));
        return r;
    }

    /** USER_HZ: the unit of the CPU times in /proc/<pid>/stat (100 on Linux everywhere in practice). */
    private static final double CLOCK_TICKS = 100.0;

    /** utime + stime of a process (all its threads), in clock ticks; 0 where /proc is not there. */
    static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * Before a scenario's first measurement, every process on its path runs that path for {@code --jit-warmup}
     * seconds (default 20) at 16 sessions: the JIT compilers have done their work and the numbers show the steady
     * state a long-running gateway is in, not its first minute. (Each cell still has its own warm-up.)
     */
    private double jitWarmupSeconds() {
        return Double.parseDouble(opts.getOrDefault("jit-warmup", "20"));
    }

    private void jitWarmup(String what, List<LoadGen.Spec> specs) throws Exception {
        double seconds = jitWarmupSeconds();
        if (seconds <= 0) {
            return;
        }
        log("JIT warm-up, " + what + ": " + seconds + " s per target");
        for (LoadGen.Spec s : specs) {
            LoadGen.run(new LoadGen.Spec(s.urls(), s.method(), s.tool(), s.arguments(), s.concurrency(), 0, seconds,
                    s.roundRobin()));
        }
    }

    /** The processes whose CPU a tools/call cell reads: load generator (this JVM), upstream, and the one in between. */
    private static Map<String, Long> roles(long upstreamPid, long middlePid) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("loadgen", ProcessHandle.current().pid());
        if (middlePid != 0) {
            m.put("middle", middlePid);
        }
        m.put("upstream", upstreamPid);
        return m;
    }

    private static String cpuCells(Map<String, Object> cpu) {
        if (cpu == null || cpu.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, Object> e : cpu.entrySet()) {
            if (!b.isEmpty()) {
                b.append(" / ");
            }
            b.append(e.getKey().equals("middle") ? "**" + e.getValue() + "**" : e.getValue());
        }
        return b.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        return (Map<String, Object>) o;
    }

    private static String fixtureUrl(int port, int i) {
        return "http://127.0.0.1:" + port + "/s" + i + "/mcp";
    }

    private static Double ratio(double a, double b) {
        return b == 0 ? null : LoadGen.round(a / b);
    }

    private String required(String key) {
        String v = opts.get(key);
        if (v == null) {
            throw new IllegalArgumentException("missing --" + key + "=...");
        }
        return v;
    }

    private static List<Integer> ints(String csv) {
        List<Integer> l = new ArrayList<>();
        for (String s : csv.split(",")) {
            l.add(Integer.parseInt(s.trim()));
        }
        return l;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private File logFile(String name) {
        return work.resolve(name + ".log").toFile();
    }

    private Process start(String name, List<String> cmd, Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(logFile(name)));
        pb.environment().putAll(env);
        Process p = pb.start();
        STARTED.add(p);
        return p;
    }

    /** Polls a process's log for a pattern; throws if the process dies, returns null on timeout. */
    private Matcher waitForLog(String name, Process p, Pattern pattern, int seconds) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        Path file = logFile(name).toPath();
        while (System.nanoTime() < deadline) {
            if (Files.exists(file)) {
                Matcher m = pattern.matcher(Files.readString(file));
                if (m.find()) {
                    return m;
                }
            }
            if (!p.isAlive()) {
                throw new IOException(name + " exited with " + p.exitValue() + ", see " + file);
            }
            Thread.sleep(20);
        }
        if (name.startsWith("gateway")) {
            return null;
        }
        throw new IOException(name + " not ready after " + seconds + " s, see " + file);
    }

    private static void stopProcess(Process p) throws InterruptedException {
        if (!p.isAlive()) {
            return;
        }
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static void stopAll() {
        for (Process p : STARTED) {
            try {
                stopProcess(p);
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    private static void log(String s) {
        System.out.println("[bench " + LocalTime.now().withNano(0) + "] " + s);
        System.out.flush();
    }

    // ------------------------------------------------------------------------------------------------ reports

    private Map<String, Object> machine() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("nproc", Runtime.getRuntime().availableProcessors());
        String cpu = "?";
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.exists(cpuinfo)) {
            for (String line : Files.readAllLines(cpuinfo)) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        }
        m.put("cpu", cpu);
        long memKb = 0;
        Path meminfo = Path.of("/proc/meminfo");
        if (Files.exists(meminfo)) {
            for (String line : Files.readAllLines(meminfo)) {
                if (line.startsWith("MemTotal:")) {
                    memKb = Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        }
        m.put("memoryGiB", LoadGen.round(memKb / 1024.0 / 1024.0));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("jdk", javaVersion());
        m.put("node", commandOutput(List.of(opts.getOrDefault("node", "node"), "--version")));
        m.put("gatewayVersion", gatewayVersion);
        m.put("loadAverage", loadAtStart + " at the start, " + loadAverage() + " at the end");
        m.put("calibrationMs", speedAtStart + " at the start, " + calibration() + " at the end");
        m.put("date", ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        return m;
    }

    /** The 1, 5 and 15 minute load averages (/proc/loadavg): other work on the machine skews every cell. */
    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " / " + f[1] + " / " + f[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private final String loadAtStart = loadAverage();
    private final double speedAtStart = calibration();

    /**
     * A fixed single-threaded task of the gateway's kind (strings built, hashed into a map, sorted: allocation, cache
     * misses, branches; best of 3, in ms). Hosts of one type are not always equally fast (shared, nested virtual
     * machines), so runs are compared by this before their absolute figures are.
     */
    static double calibration() {
        double best = Double.MAX_VALUE;
        long sink = 0;
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            for (int k = 0; k < 10; k++) {
                Map<String, Integer> m = new HashMap<>();
                for (int i = 0; i < 100_000; i++) {
                    m.put("key-" + i + "-" + k, i);
                }
                List<String> keys = new ArrayList<>(m.keySet());
                Collections.sort(keys);
                sink += keys.get(keys.size() / 2).hashCode();
            }
            best = Math.min(best, (System.nanoTime() - t0) / 1e6);
        }
        return sink == 42 ? -1 : LoadGen.round(best); // the sink keeps the work from being optimized away
    }

    private String javaVersion() {
        String v = commandOutput(List.of(java, "-version"));
        // e.g. openjdk version "25.0.1" 2025-10-21 LTS / OpenJDK Runtime Environment Temurin-25.0.1+8 (build ...)
        String[] lines = v.split("\n");
        return lines.length > 1 ? (lines[0] + " / " + lines[1]).replace("\"", "") : v;
    }

    private static String commandOutput(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String s = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            return s;
        } catch (Exception e) {
            return "?";
        }
    }

    private void write(double totalSeconds) throws Exception {
        Map<String, Object> machine = machine();
        json.put("machine", machine);
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("warmupSeconds", warmup);
        settings.put("durationSeconds", duration);
        settings.put("jitWarmupSeconds", jitWarmupSeconds());
        settings.put("gatewayJvmOpts", opts.getOrDefault("gateway-jvm-opts", ""));
        settings.put("totalRunSeconds", LoadGen.round(totalSeconds));
        settings.put("scenarios", scenarios);
        json.put("settings", settings);
        json.put("toolsCall", callRows);
        json.put("toolsList", listRows);
        json.put("coldFanOutRemote", fanOutRows);
        json.put("startup", startRows);
        json.put("firstEvent", firstEventRows);
        if (memory != null) {
            json.put("memory", memory);
        }
        if (memoryWide != null) {
            json.put("memoryManyUpstreams", memoryWide);
        }
        if (has("scale-out")) {
            json.put("scaleOut", scaleOut);
        }
        if (soak != null) {
            json.put("soak", soak);
        }
        if (has("redis")) {
            redisStore.put("rows", redisRows);
            json.put("redisStore", redisStore);
        }
        List<Map<String, Object>> targets = targets();
        json.put("targets", targets);
        McpSession.JSON.writer().with(SerializationFeature.INDENT_OUTPUT)
                .writeValue(out.resolve(resultName() + ".json").toFile(), json);

        StringBuilder md = new StringBuilder();
        md.append("# Camel MCP Gateway benchmark\n\n");
        md.append("| machine | |\n|---|---|\n");
        md.append("| nproc | ").append(machine.get("nproc")).append(" |\n");
        md.append("| CPU | ").append(machine.get("cpu")).append(" |\n");
        md.append("| memory | ").append(machine.get("memoryGiB")).append(" GiB |\n");
        md.append("| OS | ").append(machine.get("os")).append(" |\n");
        md.append("| JDK | ").append(machine.get("jdk")).append(" |\n");
        md.append("| Node.js | ").append(machine.get("node")).append(" |\n");
        md.append("| gateway version | ").append(machine.get("gatewayVersion")).append(" |\n");
        md.append("| date | ").append(machine.get("date")).append(" |\n");
        md.append("| load average (1 / 5 / 15 min) | ").append(machine.get("loadAverage")).append(" |\n");
        md.append("| machine speed: a fixed one-thread task, 1M strings into maps and sorted (ms, lower is faster) | ")
                .append(machine.get("calibrationMs")).append(" |\n");
        md.append("| settings | warm-up ").append(fmt(warmup)).append(" s, measured ").append(fmt(duration))
                .append(" s per cell; JIT warm-up ").append(fmt(jitWarmupSeconds()))
                .append(" s per target before each scenario; whole run ").append(Math.round(totalSeconds)).append(" s; scenarios ")
                .append(String.join(", ", scenarios)).append(" |\n\n");
        md.append("## Targets (issue 23, and those met before it)\n\n");
        md.append("Each measured value is this run's (see the tables below); not run = the scenario or the size the target ")
                .append("names was not part of this run, with the reason.\n\n");
        md.append("| target | measured in this run | verdict |\n|---|---|---|\n");
        for (Map<String, Object> t : targets) {
            md.append("| ").append(t.get("target")).append(" | ").append(String.valueOf(t.get("measured")).replace("|", "\\|"))
                    .append(" | ").append(t.get("verdict")).append(" |\n");
        }
        md.append('\n');
        md.append("Load generator, upstreams and gateway share the same machine (closed loop: each session sends its next ")
                .append("request when the previous answer is in). Latencies in ms. Ratio = gateway / direct ")
                .append("(throughput: < 1 means the gateway is slower; p50: > 1 means it adds latency).\n\n");

        if (has("call")) {
            md.append("## tools/call\n\n");
            md.append("| upstream (tool) | sessions | direct calls/s | gateway calls/s | throughput ratio | direct p50 / p90 / p99 | gateway p50 / p90 / p99 | p50 ratio | errors (direct/gateway) |\n");
            md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (Map<String, Object> r : callRows) {
                md.append("| ").append(r.get("upstream")).append(" (").append(r.get("tool")).append(") | ")
                        .append(r.get("sessions")).append(" | ");
                appendPair(md, r);
            }
            md.append("\n### CPU per call\n\nCPU time (user + system, from /proc) each process spent per completed call during ")
                    .append("the measured window, in µs. With every process on the same cores, the throughput ratio follows from ")
                    .append("these: the gateway's own column is its cost; it also changes what the others spend per call.\n\n");
            md.append("| upstream | sessions | direct: load generator / upstream | gateway: load generator / **gateway** / upstream | mcp-hub: load generator / **mcp-hub** / upstream |\n");
            md.append("|---|---:|---:|---:|---:|\n");
            for (Map<String, Object> r : callRows) {
                @SuppressWarnings("unchecked")
                Map<String, Map<String, Object>> cpu = (Map<String, Map<String, Object>>) r.get("cpuMicrosPerCall");
                if (cpu == null) {
                    continue;
                }
                md.append("| ").append(r.get("upstream")).append(" | ").append(r.get("sessions")).append(" | ")
                        .append(cpuCells(cpu.get("direct"))).append(" | ").append(cpuCells(cpu.get("gateway"))).append(" | ")
                        .append(cpuCells(asMap(r.get("cpuMicrosPerCallMcpHub")))).append(" |\n");
            }
        }
        if (has("redis")) {
            appendRedis(md, machine.get("nproc"));
        }

        if (has("list")) {
            md.append("\n## tools/list over N upstreams (cached, steady state)\n\n");
            md.append("Direct = the client itself keeps one session per upstream and lists each in turn (what it does without a gateway); ")
                    .append("gateway = one tools/list to the gateway, answered from its merged catalogue.\n\n");
            md.append("| upstreams (tools) | sessions | direct lists/s | gateway lists/s | throughput ratio | direct p50 / p90 / p99 | gateway p50 / p90 / p99 | p50 ratio | errors (direct/gateway) |\n");
            md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (Map<String, Object> r : listRows) {
                md.append("| ").append(r.get("upstreams")).append(" (").append(r.get("tools")).append(") | ")
                        .append(r.get("sessions")).append(" | ");
                appendPair(md, r);
            }
            md.append("\n### CPU per list\n\nCPU time (user + system, from /proc) each process spent per completed ")
                    .append("operation during the measured window, in µs, as for the calls (direct: one operation is the N ")
                    .append("lists of the client's own fan-out; the upstream is the fixture process serving all N servers).\n\n");
            md.append("| upstreams | sessions | direct: load generator / upstream | gateway: load generator / **gateway** / upstream | mcp-hub: load generator / **mcp-hub** / upstream | gateway CPU per list / at 1 upstream |\n");
            md.append("|---:|---:|---:|---:|---:|---:|\n");
            for (Map<String, Object> r : listRows) {
                Map<String, Object> cpu = asMap(r.get("cpuMicrosPerList"));
                Double vsOne = listCpuVsOne(r);
                md.append("| ").append(r.get("upstreams")).append(" | ").append(r.get("sessions")).append(" | ")
                        .append(cpuCells(asMap(cpu.get("direct")))).append(" | ").append(cpuCells(asMap(cpu.get("gateway"))))
                        .append(" | ").append(cpuCells(asMap(r.get("cpuMicrosPerListMcpHub")))).append(" | ")
                        .append(vsOne == null ? "-" : fmt2(vsOne) + "×").append(" |\n");
            }
        }

        if (!fanOutRows.isEmpty()) {
            md.append("\n## Cold tools/list fan-out over remote upstreams\n\n");
            md.append("Upstreams that take ").append(fanOutRows.get(0).get("latencyMs")).append(" ms per request, as across a ")
                    .append("network (a second fixture process that holds each POST that long; its time is not spent on these ")
                    .append("cores). Cold = the first tools/list of a client whose capability form the gateway has no view of ")
                    .append("yet: every upstream is read at once (a session each: initialize, initialized, tools/list). Median ")
                    .append("of ").append(VIEWS.size()).append(" such forms, in a gateway started for the row and JIT-warmed as a running one is (relayed calls and ")
                    .append("cached lists for --jit-warmup s each, then the cold lists of 20 other forms; a fresh gateway's ")
                    .append("cold list is in the start-up table). Client alone = what ")
                    .append("a client does without the gateway: a session with each upstream and its list, one after the other.\n\n");
            md.append("| upstreams (tools) | gateway cold list, median (ms) | each form (ms) | vs 1 upstream | client alone (ms) |\n");
            md.append("|---|---:|---|---:|---:|\n");
            Double one = fanOutRows.stream().filter(r -> ((Integer) r.get("upstreams")) == 1).map(r -> num(r.get("gatewayColdListMedianMs")))
                    .findFirst().orElse(null);
            for (Map<String, Object> r : fanOutRows) {
                double med = num(r.get("gatewayColdListMedianMs"));
                md.append("| ").append(r.get("upstreams")).append(" (").append(((Integer) r.get("upstreams")) * FixtureUpstream.TOOLS_PER_SERVER)
                        .append(") | ").append(fmt2(med)).append(" | ").append(r.get("gatewayColdListMs")).append(" | ")
                        .append(one == null || one == 0 ? "" : fmt2(med / one) + "×").append(" | ")
                        .append(fmt2(num(r.get("directSequentialMs")))).append(r.containsKey("error") ? " (error: " + r.get("error") + ")" : "")
                        .append(" |\n");
            }
        }

        md.append("\n## Gateway start-up and first list\n\n");
        md.append("Ready = process start to `GET /actuator/health/readiness` 200 (gateways run as the container image runs ")
                .append("them, extracted with a JDK AOT cache, except the plain-jar row). First list = the first `tools/list` ")
                .append("on a fresh session right after readiness (cold JVM paths); second = the next one; cold fan-out = the ")
                .append("first list of a client declaring elicitation, whose view of the catalogue is read from every upstream ")
                .append("at once, in parallel.\n\n");
        md.append("| gateway upstreams | ready (ms) | Spring 'Started in' (s) | first initialize (ms) | first tools/list (ms) | second tools/list (ms) | cold fan-out tools/list (ms) | tools listed |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Map<String, Object> r : startRows) {
            md.append("| ").append(r.get("gateway")).append(" | ").append(fmt(num(r.get("readyMs")))).append(" | ")
                    .append(r.getOrDefault("springStartedSeconds", "?")).append(" | ")
                    .append(fmt2(num(r.get("firstInitializeMs")))).append(" | ")
                    .append(fmt2(num(r.get("firstListMs")))).append(" | ")
                    .append(fmt2(num(r.get("secondListMs")))).append(" | ")
                    .append(fmt2(num(r.get("coldFanOutListMs")))).append(" | ")
                    .append(r.get("toolsListed")).append(r.containsKey("error") ? " (error)" : "").append(" |\n");
        }
        boolean anyHub = callRows.stream().anyMatch(r -> r.containsKey("mcpHub"));
        if (anyHub) {
            md.append("\n## Side by side with a peer: mcp-hub 4.2.1\n\n");
            md.append("mcp-hub (npm) in front of the same upstreams, in the same run, reached over its legacy HTTP+SSE ")
                    .append("transport (the only one it serves): answers come back on the session's event stream.\n\n");
            md.append("| scenario | sessions | gateway ops/s | mcp-hub ops/s | gateway / mcp-hub | mcp-hub p50 / p90 / p99 | errors (mcp-hub) |\n");
            md.append("|---|---:|---:|---:|---:|---:|---:|\n");
            for (Map<String, Object> r : callRows) {
                appendHub(md, "tools/call " + r.get("upstream") + " (" + r.get("tool") + ")", r);
            }
            for (Map<String, Object> r : listRows) {
                appendHub(md, "tools/list " + r.get("upstreams") + " upstream(s)", r);
            }
        }
        if (!firstEventRows.isEmpty()) {
            md.append("\n## Time to the first streamed event\n\n");
            md.append("A tool that sends a progress notification at once and answers 20 ms later (Java fixture); time from ")
                    .append("sending tools/call to reading that notification's SSE event, sequential calls on one session.\n\n");
            md.append("| path | calls | p50 | p90 | p99 | errors |\n|---|---:|---:|---:|---:|---:|\n");
            for (Map<String, Object> r : firstEventRows) {
                md.append("| ").append(r.get("path")).append(" | ").append(r.get("calls")).append(" | ")
                        .append(fmt2(num(r.get("p50Ms")))).append(" | ").append(fmt2(num(r.get("p90Ms")))).append(" | ")
                        .append(fmt2(num(r.get("p99Ms")))).append(" | ").append(r.get("errors")).append(" |\n");
            }
        }
        if (memory != null) {
            md.append("\n## Memory (gateway with -Xmx512m)\n\n");
            md.append("Heap used after a full GC (jcmd GC.run, then jvm.memory.used), resident set size and the GET streams ")
                    .append("the gateway holds to its upstreams (`").append(Extras.UPSTREAM_STREAMS).append("`, all servers) ")
                    .append("at baseline, with the sessions open (32 opened at a time), then with the GET streams on top ")
                    .append("(plain sockets on the client's side, one per session). Heap per session = (with sessions − ")
                    .append("baseline) / sessions; per stream = (with streams − with sessions) / streams; upstream streams for ")
                    .append("the client streams = the gauge with streams − with sessions. Another client lists tools meanwhile.\n\n");
            md.append("| upstreams | sessions | streams open / asked | heap MiB: baseline / sessions / + streams | RSS MiB: baseline / sessions / + streams | heap per session (KiB) | heap per stream (KiB) | upstream GET streams: baseline / sessions / + streams | upstream streams for the client streams | tools listed meanwhile | failure |\n");
            md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
            for (Map<String, Object> r : Stream.of(memory, memoryWide).filter(Objects::nonNull).toList()) {
                md.append("| ").append(r.get("upstreams")).append(" | ").append(r.get("sessionsOpened")).append(" | ")
                        .append(r.get("streamsOpened")).append(" / ").append(r.get("streamsRequested")).append(" | ")
                        .append(points(r, "heapUsedMiB")).append(" | ").append(points(r, "rssMiB")).append(" | ")
                        .append(r.containsKey("heapPerSessionKiB") ? fmt2(num(r.get("heapPerSessionKiB"))) : "-").append(" | ")
                        .append(r.containsKey("heapPerStreamKiB") ? fmt2(num(r.get("heapPerStreamKiB"))) : "-").append(" | ")
                        .append(points(r, "upstreamStreams")).append(" | ")
                        .append(r.getOrDefault("upstreamStreamsForClientStreams", "-")).append(" | ")
                        .append(r.get("toolsListedMeanwhile")).append(" | ").append(memoryFailure(r)).append(" |\n");
            }
        }
        if (has("scale-out")) {
            md.append("\n## Scale-out: two replicas with the Redis store\n\n");
            if (!Boolean.TRUE.equals(scaleOut.get("ran"))) {
                md.append("Not run: ").append(scaleOut.get("reason")).append(".\n");
            } else {
                md.append("tools/call of the Java fixture's `add` (CPU-bound) at ").append(scaleOut.get("sessions"))
                        .append(" sessions, one replica, then two round robin (the Redis store's load generator mode), ")
                        .append("each process pinned with taskset to cores of its own: ").append(scaleOut.get("cores"))
                        .append("; the load generator a JVM of its own, its warm-up --jit-warmup + --warmup s")
                        .append(Boolean.TRUE.equals(scaleOut.get("forced")) ? ". **Forced on too few cores (--scale-out-force): "
                                + "the cores are shared, the ratio says nothing.**" : "").append("\n\n");
                md.append("| target | calls/s | p50 / p90 / p99 | errors |\n|---|---:|---:|---:|\n");
                for (String k : List.of("oneReplica", "twoReplicas")) {
                    Map<String, Object> c = asMap(scaleOut.get(k));
                    md.append("| ").append(k.equals("oneReplica") ? "1 replica" : "2 replicas, round robin").append(" | ")
                            .append(fmt(num(c.get("throughputPerSec")))).append(" | ").append(lat(c)).append(" | ")
                            .append(c.get("errors")).append(" |\n");
                }
                md.append("\n2 replicas / 1: ").append(scaleOut.get("twoToOneReplicaRatio")).append("\n");
            }
        }
        if (soak != null) {
            md.append("\n## Soak (gateway with -Xmx512m, Java fixture)\n\n");
            md.append(soak.get("sessionsOpened")).append(" sessions opened (32 at a time, ").append(soak.get("sessionsOpenSeconds"))
                    .append(" s), then ").append(soak.get("minutes")).append(" min of tools/call `fx_add` from ")
                    .append(soak.get("clients")).append(" closed-loop clients, each going round robin over its share of the ")
                    .append("sessions (every session used). Every ").append(fmt(num(soak.get("sampleSeconds"))))
                    .append(" s: heap used after a full GC (jcmd GC.run, then jvm.memory.used) and RSS. Flat = the ")
                    .append("least-squares slope of the heap over ").append(soak.get("slopeOver")).append(", times the ")
                    .append("duration, under 5 % of the heap at the first of those samples, and no error.\n\n");
            md.append("| calls | calls/s | p50 / p99 (ms) | errors | heap first / last / max (MiB) | slope (MiB/min) | growth over the soak (MiB) | flat |\n");
            md.append("|---:|---:|---:|---:|---:|---:|---:|---|\n");
            md.append("| ").append(soak.get("calls")).append(" | ").append(fmt(num(soak.get("callsPerSec")))).append(" | ")
                    .append(fmt2(num(soak.get("p50Ms")))).append(" / ").append(fmt2(num(soak.get("p99Ms")))).append(" | ")
                    .append(soak.get("errors")).append(soak.containsKey("firstError") ? " (first: " + soak.get("firstError").toString().replace("|", "\\|") + ")" : "")
                    .append(" | ").append(soak.get("heapFirstMiB")).append(" / ").append(soak.get("heapLastMiB")).append(" / ")
                    .append(soak.get("heapMaxMiB")).append(" | ").append(soak.get("heapSlopeMiBPerMinute")).append(" | ")
                    .append(soak.get("heapGrowthOverSoakMiB")).append(" | ")
                    .append(Boolean.TRUE.equals(soak.get("flat")) ? "yes" : "no").append(": ").append(soak.get("verdict")).append(" |\n");
            md.append("\n| t (s) | heap (MiB) | RSS (MiB) |\n|---:|---:|---:|\n");
            for (Object o : (List<?>) soak.get("samples")) {
                Map<String, Object> smp = asMap(o);
                md.append("| ").append(fmt(num(smp.get("t")))).append(" | ").append(fmt2(num(smp.get("heapUsedMiB"))))
                        .append(" | ").append(fmt(num(smp.get("rssMiB")))).append(smp.containsKey("error") ? " (" + smp.get("error") + ")" : "").append(" |\n");
            }
        }
        Files.writeString(out.resolve(resultName() + ".md"), md);
        log("wrote " + out.resolve(resultName() + ".md") + " and " + out.resolve(resultName() + ".json"));
        System.out.println();
        System.out.print(md);
    }

    @SuppressWarnings("unchecked")
    private void appendRedis(StringBuilder md, Object nproc) {
        md.append("\n## Redis session store (tools/call, Java fixture `fx_add`)\n\n");
        if (redisStore.containsKey("skipped")) {
            md.append("Skipped: ").append(redisStore.get("skipped")).append(".\n");
            return;
        }
        md.append("`mcp.gateway.store=redis` against the default memory store, and two replicas with the Redis store ")
                .append("sharing one Redis (").append(redisStore.get("redisServer")).append(", on this machine, loopback, ")
                .append("no persistence). The memory gateway is ").append(redisStore.get("memoryGateway")).append(". Two ")
                .append("replicas, round robin: each simulated client initializes on one replica, then sends each next ")
                .append("request to the next replica, in the same session (no affinity). Redis commands per call = the ")
                .append("commands Redis processed in the measured window (INFO commandstats before and after, INFO itself ")
                .append("left out) / the calls in that window; EVALSHA + EVAL = the store's Lua scripts.\n\n");
        md.append("| sessions | memory calls/s | redis calls/s | redis / memory (issue's target: ≥ 0.85 at 16) | memory p50 / p90 / p99 | redis p50 / p90 / p99 | Redis commands per call | EVALSHA + EVAL per call | commands per call by name | errors (memory/redis) |\n");
        md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|\n");
        for (Map<String, Object> r : redisRows) {
            Map<String, Object> m = asMap(r.get("memory"));
            Map<String, Object> g = asMap(r.get("redis"));
            Object ratio = r.get("redisToMemoryRatio");
            String verdict = ratio == null || !Integer.valueOf(16).equals(r.get("sessions")) ? ""
                    : num(ratio) >= 0.85 ? " (≥ 0.85: met)" : " (< 0.85: not met)";
            md.append("| ").append(r.get("sessions")).append(" | ").append(fmt(num(m.get("throughputPerSec")))).append(" | ")
                    .append(fmt(num(g.get("throughputPerSec")))).append(" | ")
                    .append(ratio == null ? "-" : fmt2(num(ratio))).append(verdict).append(" | ")
                    .append(lat(m)).append(" | ").append(lat(g)).append(" | ")
                    .append(perCallCell(r, "redisCommandsPerCall", "redis")).append(" | ")
                    .append(perCallCell(r, "evalPerCall", "redis")).append(" | ")
                    .append(byName(r, "redis")).append(" | ")
                    .append(m.get("errors")).append(" / ").append(g.get("errors")).append(" |\n");
        }
        md.append("\n### One replica vs two (both with the Redis store)\n\n");
        md.append("On this machine (").append(nproc).append(" cores) the two replicas, Redis, the fixture and the load ")
                .append("generator share the same cores: two replicas cannot show scale-out here (twice the gateways, the ")
                .append("same CPU). The row shows that spreading every session's requests over the replicas works, and ")
                .append("what it costs.\n\n");
        md.append("| sessions | 1 replica calls/s | 2 replicas calls/s | 2 / 1 | 1 replica p50 / p90 / p99 | 2 replicas p50 / p90 / p99 | Redis commands per call (2 replicas) | EVALSHA + EVAL per call (2 replicas) | commands per call by name | errors (1/2) |\n");
        md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|\n");
        for (Map<String, Object> r : redisRows) {
            Map<String, Object> g = asMap(r.get("redis"));
            Map<String, Object> t = asMap(r.get("twoReplicas"));
            md.append("| ").append(r.get("sessions")).append(" | ").append(fmt(num(g.get("throughputPerSec")))).append(" | ")
                    .append(fmt(num(t.get("throughputPerSec")))).append(" | ")
                    .append(r.get("twoToOneReplicaRatio") == null ? "-" : fmt2(num(r.get("twoToOneReplicaRatio")))).append(" | ")
                    .append(lat(g)).append(" | ").append(lat(t)).append(" | ")
                    .append(perCallCell(r, "redisCommandsPerCall", "twoReplicas")).append(" | ")
                    .append(perCallCell(r, "evalPerCall", "twoReplicas")).append(" | ")
                    .append(byName(r, "twoReplicas")).append(" | ")
                    .append(g.get("errors")).append(" / ").append(t.get("errors")).append(" |\n");
        }
        Map<String, Object> trips = asMap(redisStore.get("roundTrips"));
        if (trips != null) {
            md.append("\n### Redis round trips per tools/call\n\n");
            md.append("The commands above include those the store's Lua scripts run inside Redis (`redis.call`), which cost ")
                    .append("no round trip. A pass of its own under `MONITOR` (").append(fmt(num(trips.get("seconds"))))
                    .append(" s, not measured for throughput: MONITOR costs a line per command) tells the commands the ")
                    .append("gateways sent, one round trip each, from those the scripts ran.\n\n");
            md.append("| target | sessions | calls | round trips per call | sent by the gateways, per call | run by the scripts, per call | errors |\n");
            md.append("|---|---:|---:|---:|---|---|---:|\n");
            for (String k : List.of("redis", "twoReplicas")) {
                Map<String, Object> t = asMap(trips.get(k));
                long calls = (long) num(t.get("calls"));
                md.append("| ").append(k.equals("redis") ? "1 replica" : "2 replicas, round robin").append(" | ")
                        .append(trips.get("sessions")).append(" | ").append(calls).append(" | ")
                        .append(t.get("roundTripsPerCall") == null ? "-" : String.format(Locale.ROOT, "%.3f", num(t.get("roundTripsPerCall"))))
                        .append(" | ").append(perOp(asLongs(t.get("clientCommands")), calls)).append(" | ")
                        .append(perOp(asLongs(t.get("scriptCommands")), calls)).append(" | ").append(t.get("errors")).append(" |\n");
            }
        }
        md.append("\nCPU per call (µs, as in the table above):\n\n");
        md.append("| sessions | memory: load generator / **gateway** / upstream | redis: load generator / **gateway** / redis / upstream | 2 replicas: load generator / **replica 1** / **replica 2** / redis / upstream |\n");
        md.append("|---:|---:|---:|---:|\n");
        for (Map<String, Object> r : redisRows) {
            Map<String, Object> cpu = asMap(r.get("cpuMicrosPerCall"));
            md.append("| ").append(r.get("sessions")).append(" | ").append(redisCpu(asMap(cpu.get("memory")))).append(" | ")
                    .append(redisCpu(asMap(cpu.get("redis")))).append(" | ")
                    .append(redisCpu(asMap(cpu.get("twoReplicas")))).append(" |\n");
        }
    }

    /** Gateway CPU per list of this row / that of the 1-upstream row at the same sessions (null without one). */
    private Double listCpuVsOne(Map<String, Object> row) {
        Object mine = asMap(asMap(row.get("cpuMicrosPerList")).get("gateway")).get("middle");
        for (Map<String, Object> r : listRows) {
            if (Integer.valueOf(1).equals(r.get("upstreams")) && r.get("sessions").equals(row.get("sessions"))) {
                Object one = asMap(asMap(r.get("cpuMicrosPerList")).get("gateway")).get("middle");
                return mine == null || one == null || num(one) == 0 ? null : LoadGen.round(num(mine) / num(one));
            }
        }
        return null;
    }

    /** baseline / withSessions / withSessionsAndStreams of one footprint value. */
    private static String points(Map<String, Object> row, String key) {
        StringBuilder b = new StringBuilder();
        for (String k : List.of("baseline", "withSessions", "withSessionsAndStreams")) {
            Map<String, Object> f = asMap(row.get(k));
            Object v = f == null ? null : f.get(key);
            b.append(b.isEmpty() ? "" : " / ").append(v == null ? "-" : v instanceof Double d ? fmt(d) : v);
        }
        return b.toString();
    }

    /** What went wrong in a memory row: sessions or streams refused, the gateway dead, the list failing; "" if nothing. */
    private static String memoryFailure(Map<String, Object> r) {
        List<String> f = new ArrayList<>();
        if (r.containsKey("sessionFailure")) {
            f.add("sessions: " + r.get("sessionFailure"));
        }
        if (r.containsKey("streamFailure")) {
            f.add(r.get("streamFailures") + " stream(s) failed, first: " + r.get("streamFailure"));
        }
        if (Boolean.FALSE.equals(r.get("gatewayAlive"))) {
            f.add("the gateway exited");
        }
        if (r.containsKey("listError")) {
            f.add("tools/list meanwhile: " + r.get("listError"));
        }
        for (String k : List.of("baseline", "withSessions", "withSessionsAndStreams")) {
            Map<String, Object> p = asMap(r.get(k));
            if (p != null && p.containsKey("error")) {
                f.add(k + ": " + p.get("error"));
            }
        }
        return String.join("; ", f).replace("|", "\\|");
    }

    private static String perCallCell(Map<String, Object> r, String key, String cell) {
        Object v = asMap(r.get(key)).get(cell);
        return v == null ? "-" : String.format(Locale.ROOT, "%.3f", num(v));
    }

    /** e.g. {@code evalsha 1.000}: each command Redis processed in the window, per call. */
    private static String byName(Map<String, Object> r, String cell) {
        Map<String, Object> result = asMap(r.get(cell));
        return perOp(asLongs(asMap(r.get("redisCommands")).get(cell)),
                (long) (num(result.get("operations")) + num(result.get("errors"))));
    }

    private static String perOp(Map<String, Long> cmds, long ops) {
        if (cmds == null || cmds.isEmpty() || ops == 0) {
            return "-";
        }
        StringBuilder b = new StringBuilder();
        cmds.forEach((k, v) -> b.append(b.isEmpty() ? "" : ", ").append(k).append(' ')
                .append(String.format(Locale.ROOT, "%.3f", (double) v / ops)));
        return b.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Long> asLongs(Object o) {
        return (Map<String, Long>) o;
    }

    private static String redisCpu(Map<String, Object> cpu) {
        if (cpu == null || cpu.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        cpu.forEach((role, v) -> b.append(b.isEmpty() ? "" : " / ")
                .append(role.equals("gateway") || role.startsWith("replica") ? "**" + v + "**" : v));
        return b.toString();
    }

    @SuppressWarnings("unchecked")
    private static void appendPair(StringBuilder md, Map<String, Object> r) {
        Map<String, Object> d = (Map<String, Object>) r.get("direct");
        Map<String, Object> g = (Map<String, Object>) r.get("gateway");
        md.append(fmt(num(d.get("throughputPerSec")))).append(" | ")
                .append(fmt(num(g.get("throughputPerSec")))).append(" | ")
                .append(r.get("throughputRatio") == null ? "-" : fmt2(num(r.get("throughputRatio")))).append(" | ")
                .append(lat(d)).append(" | ").append(lat(g)).append(" | ")
                .append(r.get("p50Ratio") == null ? "-" : fmt2(num(r.get("p50Ratio")))).append(" | ")
                .append(d.get("errors")).append(" / ").append(g.get("errors")).append(" |\n");
    }

    @SuppressWarnings("unchecked")
    private static void appendHub(StringBuilder md, String scenario, Map<String, Object> r) {
        Map<String, Object> h = (Map<String, Object>) r.get("mcpHub");
        if (h == null) {
            return;
        }
        Map<String, Object> g = (Map<String, Object>) r.get("gateway");
        md.append("| ").append(scenario).append(" | ").append(r.get("sessions")).append(" | ")
                .append(fmt(num(g.get("throughputPerSec")))).append(" | ").append(fmt(num(h.get("throughputPerSec"))))
                .append(" | ").append(r.get("gatewayToHubRatio") == null ? "-" : fmt2(num(r.get("gatewayToHubRatio"))))
                .append(" | ").append(lat(h)).append(" | ").append(h.get("errors")).append(" |\n");
    }

    private static String lat(Map<String, Object> m) {
        return fmt2(num(m.get("p50Ms"))) + " / " + fmt2(num(m.get("p90Ms"))) + " / " + fmt2(num(m.get("p99Ms")));
    }

    private static double num(Object o) {
        return o instanceof Number n ? n.doubleValue() : 0;
    }

    private static String fmt(double d) {
        return String.format(Locale.ROOT, "%.0f", d);
    }

    private static String fmt2(double d) {
        return String.format(Locale.ROOT, "%.2f", d);
    }
}
