package io.camelmcp.bench;

import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

import org.HdrHistogram.Histogram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The soak: {@code sessions} sessions opened (32 at a time), then for {@code seconds} a closed loop of tools/call from
 * {@code clients} clients, client <i>i</i> going round robin over sessions <i>i</i>, <i>i + clients</i>, … (so every
 * session is used, by its Mcp-Session-Id), while the gateway's heap after a full GC and its RSS are sampled every
 * {@code sampleSeconds}. Flat = the least-squares slope of the heap over the samples after the first minute, times
 * the duration, under 5 % of the heap at the first of those samples, and no error.
 */
final class Soak {

    /** Heap growth over the whole soak, as a share of the heap after the first minute, that still counts as flat. */
    static final double FLAT_SHARE = 0.05;

    private Soak() {
    }

    static Map<String, Object> run(String url, long pid, String jcmd, String actuator, int sessions, double seconds,
                                   double sampleSeconds, int clients, String tool) throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sessionsRequested", sessions);
        m.put("minutes", LoadGen.round(seconds / 60));
        m.put("clients", clients);
        m.put("sampleSeconds", sampleSeconds);
        List<String> ids;
        try (HttpClient http = McpSession.newHttpClient();
             ExecutorService exec = Executors.newVirtualThreadPerTaskExecutor()) {
            long t0 = System.nanoTime();
            ids = Extras.openSessions(http, url, sessions, exec, m, null);
            m.put("sessionsOpenSeconds", LoadGen.round((System.nanoTime() - t0) / 1e9));
        }
        m.put("sessionsOpened", ids.size());
        List<Map<String, Object>> samples = new ArrayList<>();
        long[] calls = new long[clients];
        long[] errors = new long[clients];
        AtomicReference<String> firstError = new AtomicReference<>();
        Histogram all = new Histogram(60_000_000_000L, 3);
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        if (!ids.isEmpty()) {
            try (ExecutorService exec = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<Histogram>> running = new ArrayList<>();
                for (int c = 0; c < clients; c++) {
                    int client = c;
                    running.add(exec.submit(() -> {
                        Histogram h = new Histogram(60_000_000_000L, 3);
                        try (HttpClient http = McpSession.newHttpClient()) {
                            List<McpSession> mine = new ArrayList<>();
                            for (int i = client; i < ids.size(); i += clients) {
                                mine.add(McpSession.resume(http, url, ids.get(i)));
                            }
                            if (mine.isEmpty()) {
                                return h;
                            }
                            ObjectNode params = McpSession.JSON.createObjectNode().put("name", tool);
                            params.putObject("arguments").put("a", 1).put("b", 2);
                            int next = 0;
                            while (System.nanoTime() < end) {
                                McpSession s = mine.get(next);
                                next = next + 1 == mine.size() ? 0 : next + 1;
                                long q = System.nanoTime();
                                try {
                                    JsonNode r = s.request("tools/call", params);
                                    if (r.has("error") || r.path("result").path("isError").asBoolean(false)) {
                                        errors[client]++;
                                        firstError.compareAndSet(null, McpSession.abbreviate(r.toString()));
                                    } else {
                                        calls[client]++;
                                        h.recordValue(System.nanoTime() - q);
                                    }
                                } catch (Exception e) {
                                    errors[client]++;
                                    firstError.compareAndSet(null, e.toString());
                                }
                            }
                        }
                        return h;
                    }));
                }
                // the samples: at the start of the load, then every sampleSeconds, and at its end
                long nextSample = start;
                while (true) {
                    long now = System.nanoTime();
                    if (now >= nextSample) {
                        samples.add(sample(pid, jcmd, actuator, (now - start) / 1e9));
                        nextSample += (long) (sampleSeconds * 1e9);
                    }
                    long wait = Math.min(nextSample, end) - System.nanoTime();
                    if (System.nanoTime() >= end) {
                        break;
                    }
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
                for (Future<Histogram> f : running) {
                    all.add(f.get());
                }
            }
            samples.add(sample(pid, jcmd, actuator, (System.nanoTime() - start) / 1e9));
        }
        long ok = 0;
        long bad = 0;
        for (int c = 0; c < clients; c++) {
            ok += calls[c];
            bad += errors[c];
        }
        m.put("calls", ok);
        m.put("errors", bad);
        m.put("callsPerSec", LoadGen.round(ok / seconds));
        m.put("p50Ms", LoadGen.round(all.getValueAtPercentile(50) / 1e6));
        m.put("p99Ms", LoadGen.round(all.getValueAtPercentile(99) / 1e6));
        if (firstError.get() != null) {
            m.put("firstError", firstError.get());
        }
        m.put("samples", samples);
        summarize(m, samples, seconds);
        m.put("gatewayAlive", ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        return m;
    }

    private static Map<String, Object> sample(long pid, String jcmd, String actuator, double t) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("t", LoadGen.round(t));
        s.putAll(Extras.footprint(pid, jcmd, actuator));
        s.remove("clientGetStreams");
        s.remove("upstreamStreams");
        return s;
    }

    /** first / last / max heap, the slope after the first minute (MB per minute, least squares), and the verdict. */
    private static void summarize(Map<String, Object> m, List<Map<String, Object>> samples, double seconds) {
        List<double[]> heap = new ArrayList<>(); // t (s), MiB
        for (Map<String, Object> s : samples) {
            if (s.get("heapUsedMiB") instanceof Number n) {
                heap.add(new double[] {((Number) s.get("t")).doubleValue(), n.doubleValue()});
            }
        }
        if (heap.isEmpty()) {
            m.put("flat", false);
            m.put("verdict", "no heap sample could be read");
            return;
        }
        m.put("heapFirstMiB", LoadGen.round(heap.get(0)[1]));
        m.put("heapLastMiB", LoadGen.round(heap.get(heap.size() - 1)[1]));
        m.put("heapMaxMiB", LoadGen.round(heap.stream().mapToDouble(h -> h[1]).max().orElse(0)));
        List<double[]> late = heap.stream().filter(h -> h[0] >= 60).toList();
        String over = "the samples after the first minute";
        if (late.size() < 2) {
            late = heap;
            over = "all samples (the soak is too short for two after the first minute)";
        }
        m.put("slopeOver", over);
        double n = late.size();
        double mt = late.stream().mapToDouble(h -> h[0] / 60).sum() / n;
        double mh = late.stream().mapToDouble(h -> h[1]).sum() / n;
        double sxy = 0;
        double sxx = 0;
        for (double[] h : late) {
            sxy += (h[0] / 60 - mt) * (h[1] - mh);
            sxx += (h[0] / 60 - mt) * (h[0] / 60 - mt);
        }
        double slope = sxx == 0 ? 0 : sxy / sxx; // MiB per minute
        double reference = late.get(0)[1];
        double growth = slope * seconds / 60;
        m.put("heapSlopeMiBPerMinute", LoadGen.round(slope));
        m.put("heapGrowthOverSoakMiB", LoadGen.round(growth));
        m.put("heapAfterFirstMinuteMiB", LoadGen.round(reference));
        boolean flatHeap = growth < FLAT_SHARE * reference;
        long errors = ((Number) m.get("errors")).longValue();
        boolean allSessions = m.get("sessionsOpened").equals(m.get("sessionsRequested"));
        m.put("flat", flatHeap && errors == 0 && allSessions);
        m.put("verdict", String.format(java.util.Locale.ROOT,
                "slope %.3f MiB/min × %.1f min = %.1f MiB %s 5 %% of %.1f MiB (%.1f MiB); %d errors%s",
                slope, seconds / 60, growth, flatHeap ? "<" : "≥", reference, FLAT_SHARE * reference, errors,
                allSessions ? "" : "; only " + m.get("sessionsOpened") + " of " + m.get("sessionsRequested") + " sessions opened"));
    }
}
