package io.camelmcp.bench;

import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

import org.HdrHistogram.Histogram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Closed-loop load generator. {@code concurrency} simulated clients, each on a virtual thread with its own
 * HttpClient (HTTP/1.1 keep-alive) and its own MCP session(s), initialized once before the clock starts; then each
 * client loops: one operation, wait for the answer, next. Operations started during warm-up are not recorded;
 * those that start after warm-up and finish within the measured window are.
 *
 * <p>An operation is either a {@code tools/call} or a {@code tools/list}; with several URLs, one operation is that
 * request sent to every URL in turn (the fan-out a client does itself without a gateway) and its latency is the sum.
 *
 * <p>Round robin ({@link Spec#roundRobin()}): the URLs are replicas of one gateway sharing their sessions (the Redis
 * store). Client <i>i</i> initializes on replica <i>i</i> mod <i>n</i>, then sends each request to the next replica
 * in turn, in the same session; one operation is one request.
 *
 * <p>Standalone: {@code java -cp ... io.camelmcp.bench.LoadGen [--round-robin] <url>[,<url>...] call|list [tool]
 * [argsJson] [concurrency] [warmupSeconds] [durationSeconds]}
 */
public final class LoadGen {

    public record Spec(List<String> urls, String method, String tool, JsonNode arguments,
                       int concurrency, double warmupSeconds, double durationSeconds, boolean roundRobin) {

        /** Several URLs: each operation goes to every one of them in turn (a client's own fan-out). */
        public Spec(List<String> urls, String method, String tool, JsonNode arguments,
                    int concurrency, double warmupSeconds, double durationSeconds) {
            this(urls, method, tool, arguments, concurrency, warmupSeconds, durationSeconds, false);
        }
    }

    public record Result(long operations, long errors, double throughput, double meanMs, double p50Ms,
                         double p90Ms, double p99Ms, double maxMs, String firstError, int itemsPerAnswer) {

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("operations", operations);
            m.put("errors", errors);
            m.put("throughputPerSec", round(throughput));
            m.put("meanMs", round(meanMs));
            m.put("p50Ms", round(p50Ms));
            m.put("p90Ms", round(p90Ms));
            m.put("p99Ms", round(p99Ms));
            m.put("maxMs", round(maxMs));
            if (itemsPerAnswer >= 0) {
                m.put("itemsPerAnswer", itemsPerAnswer);
            }
            if (firstError != null) {
                m.put("firstError", firstError);
            }
            return m;
        }
    }

    static double round(double d) {
        return Math.round(d * 1000.0) / 1000.0;
    }

    /** Told when the measured window starts and when it ends (from another thread), e.g. to read CPU times. */
    public interface Window {
        void started();

        void ended();
    }

    public static Result run(Spec spec) throws Exception {
        return run(spec, null);
    }

    public static Result run(Spec spec, Window observer) throws Exception {
        int c = spec.concurrency();
        CountDownLatch ready = new CountDownLatch(c);
        CountDownLatch go = new CountDownLatch(1);
        long[] window = new long[2]; // [measureStart, measureEnd] in nanoTime, set before go
        AtomicReference<String> firstError = new AtomicReference<>();
        List<Future<long[]>> futures = new ArrayList<>();
        List<Histogram> histograms = new ArrayList<>();
        int[] items = {-1};
        JsonNode params = params(spec);
        String method = "call".equals(spec.method()) || "tools/call".equals(spec.method()) ? "tools/call" : "tools/list";

        try (ExecutorService exec = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < c; i++) {
                int client = i;
                Histogram h = new Histogram(60_000_000_000L, 3);
                histograms.add(h);
                futures.add(exec.submit(() -> {
                    long ok = 0;
                    long errors = 0;
                    try (HttpClient http = McpSession.newHttpClient()) {
                        List<McpClient> sessions = new ArrayList<>(); // the sessions opened, closed at the end
                        // what each operation sends its request to, turn after turn: all sessions, or one replica
                        List<List<McpClient>> turns = new ArrayList<>();
                        try {
                            if (spec.roundRobin()) {
                                int n = spec.urls().size();
                                String home = spec.urls().get(client % n);
                                if (home.startsWith("sse+")) {
                                    throw new IllegalArgumentException("round robin needs Streamable HTTP: " + home);
                                }
                                McpSession s = new McpSession(http, home);
                                s.initialize();
                                sessions.add(s);
                                for (int k = 1; k <= n; k++) {
                                    int r = (client + k) % n;
                                    turns.add(List.of(r == client % n ? s : s.at(spec.urls().get(r))));
                                }
                            } else {
                                for (String url : spec.urls()) {
                                    McpClient s = McpClient.open(http, url);
                                    s.initialize();
                                    sessions.add(s);
                                }
                                turns.add(sessions);
                            }
                        } finally {
                            ready.countDown();
                        }
                        int turn = 0;
                        go.await();
                        long start = window[0];
                        long end = window[1];
                        while (true) {
                            long t0 = System.nanoTime();
                            if (t0 >= end) {
                                break;
                            }
                            boolean failed = false;
                            int n = 0;
                            List<McpClient> targets = turns.get(turn);
                            turn = turn + 1 == turns.size() ? 0 : turn + 1;
                            for (McpClient s : targets) {
                                try {
                                    JsonNode r = s.request(method, params);
                                    JsonNode result = r.get("result");
                                    if (r.has("error") || result == null || result.path("isError").asBoolean(false)) {
                                        failed = true;
                                        firstError.compareAndSet(null, McpSession.abbreviate(r.toString()));
                                    } else if (result.has("tools")) {
                                        n += result.get("tools").size();
                                    }
                                } catch (Exception e) {
                                    failed = true;
                                    firstError.compareAndSet(null, e.toString());
                                }
                            }
                            long t1 = System.nanoTime();
                            if (t0 >= start && t1 <= end) {
                                if (failed) {
                                    errors++;
                                } else {
                                    ok++;
                                    h.recordValue(t1 - t0);
                                    if ("tools/list".equals(method)) {
                                        items[0] = n;
                                    }
                                }
                            }
                        }
                        sessions.forEach(McpClient::close);
                    } catch (Exception e) {
                        firstError.compareAndSet(null, "client failed: " + e);
                        errors++;
                    }
                    return new long[] {ok, errors};
                }));
            }
            ready.await();
            long now = System.nanoTime();
            window[0] = now + (long) (spec.warmupSeconds() * 1e9);
            window[1] = window[0] + (long) (spec.durationSeconds() * 1e9);
            go.countDown();
            if (observer != null) {
                exec.submit(() -> {
                    sleepUntil(window[0]);
                    observer.started();
                    sleepUntil(window[1]);
                    observer.ended();
                    return null;
                });
            }
            long ok = 0;
            long errors = 0;
            for (Future<long[]> f : futures) {
                long[] r = f.get();
                ok += r[0];
                errors += r[1];
            }
            Histogram all = new Histogram(60_000_000_000L, 3);
            histograms.forEach(all::add);
            double ms = 1e6;
            return new Result(ok, errors, ok / spec.durationSeconds(),
                    ok == 0 ? 0 : all.getMean() / ms,
                    all.getValueAtPercentile(50) / ms, all.getValueAtPercentile(90) / ms,
                    all.getValueAtPercentile(99) / ms, all.getMaxValue() / ms, firstError.get(), items[0]);
        }
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
        }
    }

    private static JsonNode params(Spec spec) {
        ObjectNode p = McpSession.JSON.createObjectNode();
        if (spec.tool() != null && !spec.method().endsWith("list")) {
            p.put("name", spec.tool());
            p.set("arguments", spec.arguments() == null ? McpSession.JSON.createObjectNode() : spec.arguments());
        }
        return p;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: LoadGen [--round-robin] <url>[,<url>...] call|list [tool] [argsJson] [concurrency] [warmupS] [durationS]");
            System.exit(2);
        }
        boolean roundRobin = args[0].equals("--round-robin");
        int i = roundRobin ? 1 : 0;
        List<String> urls = List.of(args[i++].split(","));
        String mode = args[i++];
        boolean call = mode.contains("call");
        String tool = call ? args[i++] : null;
        JsonNode arguments = call && args.length > i ? McpSession.JSON.readTree(args[i++]) : null;
        int c = args.length > i ? Integer.parseInt(args[i++]) : 1;
        double w = args.length > i ? Double.parseDouble(args[i++]) : 3;
        double d = args.length > i ? Double.parseDouble(args[i]) : 5;
        Result r = run(new Spec(urls, call ? "tools/call" : "tools/list", tool, arguments, c, w, d, roundRobin));
        System.out.println(McpSession.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r.toMap()));
    }

    private LoadGen() {
    }
}
