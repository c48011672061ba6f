package io.camelmcp.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

import org.HdrHistogram.Histogram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The scenarios beside the closed-loop load: time to the first streamed event, and memory per session/stream. */
final class Extras {

    private Extras() {
    }

    /**
     * Time from sending a tools/call to reading its first SSE event (a progress notification the tool sends at
     * once), {@code calls} sequential calls on one session after {@code warmup} unrecorded ones.
     */
    static Map<String, Object> firstEvent(String url, String tool, int warmup, int calls) throws Exception {
        Histogram h = new Histogram(60_000_000_000L, 3);
        int errors = 0;
        try (HttpClient http = McpSession.newHttpClient()) {
            McpSession s = new McpSession(http, url);
            s.initialize();
            for (int i = 0; i < warmup + calls; i++) {
                ObjectNode params = McpSession.JSON.createObjectNode().put("name", tool);
                params.putObject("arguments");
                params.putObject("_meta").put("progressToken", "p" + i);
                long t0 = System.nanoTime();
                HttpResponse<InputStream> r = s.requestStreaming("tools/call", params);
                long first = -1;
                try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        if (first < 0 && line.startsWith("data:") && line.contains("notifications/progress")) {
                            first = System.nanoTime() - t0;
                        }
                    }
                }
                if (first < 0) {
                    errors++;
                } else if (i >= warmup) {
                    h.recordValue(first);
                }
            }
            s.close();
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("calls", calls);
        m.put("errors", errors);
        m.put("p50Ms", LoadGen.round(h.getValueAtPercentile(50) / 1e6));
        m.put("p90Ms", LoadGen.round(h.getValueAtPercentile(90) / 1e6));
        m.put("p99Ms", LoadGen.round(h.getValueAtPercentile(99) / 1e6));
        return m;
    }

    /**
     * Opens {@code sessions} gateway sessions (32 at a time), then {@code streams} GET streams on some of them, and
     * reads the gateway's heap (after a full GC, through jcmd), resident set size and upstream GET streams (the gauge
     * {@value #UPSTREAM_STREAMS}) at each point. A failure (a session or stream refused, the gateway out of memory)
     * ends the opening and is reported with how many were open, instead of failing the run.
     */
    static Map<String, Object> memory(String url, long pid, String jcmd, int sessions, int streams,
                                      String actuator, java.util.function.IntFunction<String> tool) throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sessionsRequested", sessions);
        m.put("streamsRequested", Math.min(streams, sessions)); // a stream per session at most
        m.put("baseline", footprint(pid, jcmd, actuator));
        List<String> ids = new ArrayList<>();
        List<java.net.Socket> open = new ArrayList<>();
        try (HttpClient http = McpSession.newHttpClient();
             ExecutorService exec = Executors.newVirtualThreadPerTaskExecutor()) {
            long t0 = System.nanoTime();
            ids.addAll(openSessions(http, url, sessions, exec, m, tool));
            m.put("sessionsOpened", ids.size());
            m.put("sessionsOpenSeconds", LoadGen.round((System.nanoTime() - t0) / 1e9));
            m.put("withSessions", footprint(pid, jcmd, actuator));

            Semaphore inFlight = new Semaphore(32);
            java.util.concurrent.atomic.AtomicReference<String> failure = new java.util.concurrent.atomic.AtomicReference<>();
            java.util.concurrent.atomic.AtomicInteger failed = new java.util.concurrent.atomic.AtomicInteger();
            URI uri = URI.create(url);
            List<Future<java.net.Socket>> gets = new ArrayList<>();
            long s0 = System.nanoTime();
            for (int i = 0; i < streams && i < ids.size(); i++) {
                String id = ids.get(i);
                gets.add(exec.submit(() -> {
                    inFlight.acquire();
                    try {
                        if (failure.get() != null) {
                            return null; // the first failure ends the opening
                        }
                        return openStream(uri, id);
                    } catch (Exception e) {
                        failed.incrementAndGet();
                        failure.compareAndSet(null, e.toString());
                        return null;
                    } finally {
                        inFlight.release();
                    }
                }));
            }
            for (Future<java.net.Socket> f : gets) {
                java.net.Socket so = f.get();
                if (so != null) {
                    open.add(so);
                }
            }
            m.put("streamsOpened", open.size());
            m.put("streamsOpenSeconds", LoadGen.round((System.nanoTime() - s0) / 1e9));
            if (failure.get() != null) {
                m.put("streamFailures", failed.get());
                m.put("streamFailure", McpSession.abbreviate(failure.get()));
            }
            m.put("withSessionsAndStreams", footprint(pid, jcmd, actuator));
            m.put("gatewayAlive", ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
            // still serving everyone else
            try (HttpClient other = McpSession.newHttpClient()) {
                McpSession probe = new McpSession(other, url);
                probe.initialize();
                JsonNode list = probe.request("tools/list", McpSession.JSON.createObjectNode());
                m.put("toolsListedMeanwhile", list.path("result").path("tools").size());
                if (list.has("error")) {
                    m.put("listError", McpSession.abbreviate(list.toString()));
                }
            } catch (Exception e) {
                m.put("toolsListedMeanwhile", 0);
                m.put("listError", McpSession.abbreviate(e.toString()));
            }
        } finally {
            for (java.net.Socket so : open) {
                try {
                    so.close();
                } catch (IOException ignored) {
                    // closing
                }
            }
        }
        Map<String, Object> sess = asMap(m.get("withSessions"));
        Map<String, Object> str = asMap(m.get("withSessionsAndStreams"));
        Map<String, Object> base = asMap(m.get("baseline"));
        int nSessions = ids.size();
        int nStreams = (Integer) m.get("streamsOpened");
        if (nSessions > 0 && base.get("heapUsedMiB") instanceof Number b && sess.get("heapUsedMiB") instanceof Number a) {
            m.put("heapPerSessionKiB", LoadGen.round((a.doubleValue() - b.doubleValue()) * 1024 / nSessions));
        }
        if (nStreams > 0 && sess.get("heapUsedMiB") instanceof Number b && str.get("heapUsedMiB") instanceof Number a) {
            m.put("heapPerStreamKiB", LoadGen.round((a.doubleValue() - b.doubleValue()) * 1024 / nStreams));
        }
        if (sess.get("upstreamStreams") instanceof Number b && str.get("upstreamStreams") instanceof Number a) {
            m.put("upstreamStreamsForClientStreams", (long) (a.doubleValue() - b.doubleValue()));
        }
        return m;
    }

    /** Opens {@code count} sessions, 32 at a time; the first failure ends it (put into {@code report}). */
    static List<String> openSessions(HttpClient http, String url, int count, ExecutorService exec,
                                     Map<String, Object> report, java.util.function.IntFunction<String> tool)
            throws InterruptedException {
        Semaphore inFlight = new Semaphore(32);
        java.util.concurrent.atomic.AtomicReference<String> failure = new java.util.concurrent.atomic.AtomicReference<>();
        List<Future<String>> opened = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int n = i;
            opened.add(exec.submit(() -> {
                inFlight.acquire();
                try {
                    if (failure.get() != null) {
                        return null;
                    }
                    McpSession s = new McpSession(http, url);
                    s.initialize();
                    if (tool != null) {
                        // one call: the session gets its upstream session (opened lazily) as a used one has
                        ObjectNode params = McpSession.JSON.createObjectNode().put("name", tool.apply(n));
                        params.putObject("arguments").put("a", 1).put("b", 2);
                        JsonNode r = s.request("tools/call", params);
                        if (r.has("error") || r.path("result").path("isError").asBoolean(false)) {
                            throw new IOException("tools/call " + tool.apply(n) + ": " + McpSession.abbreviate(r.toString()));
                        }
                    }
                    return s.sessionId();
                } catch (Exception e) {
                    failure.compareAndSet(null, e.toString());
                    return null;
                } finally {
                    inFlight.release();
                }
            }));
        }
        List<String> ids = new ArrayList<>();
        for (Future<String> f : opened) {
            try {
                String id = f.get();
                if (id != null) {
                    ids.add(id);
                }
            } catch (java.util.concurrent.ExecutionException e) {
                failure.compareAndSet(null, e.getCause().toString());
            }
        }
        if (failure.get() != null) {
            report.put("sessionFailure", McpSession.abbreviate(failure.get()));
        }
        return ids;
    }

    /**
     * A GET stream held on a plain socket (cheap on this side: no reader thread, nothing buffered here; what the
     * gateway sends waits in the kernel): the request written, the status line and headers read, then left open.
     */
    private static java.net.Socket openStream(URI uri, String sessionId) throws IOException {
        java.net.Socket so = new java.net.Socket();
        try {
            so.connect(new java.net.InetSocketAddress(uri.getHost(), uri.getPort()), 10_000);
            so.setSoTimeout(30_000);
            StringBuilder req = new StringBuilder("GET ").append(uri.getRawPath()).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(uri.getHost()).append(':').append(uri.getPort()).append("\r\n")
                    .append("Accept: text/event-stream\r\n")
                    .append("Mcp-Session-Id: ").append(sessionId).append("\r\n")
                    .append("MCP-Protocol-Version: ").append(McpSession.PROTOCOL).append("\r\n");
            String auth = System.getenv("BENCH_AUTHORIZATION");
            if (auth != null && !auth.isEmpty()) {
                req.append("Authorization: ").append(auth).append("\r\n");
            }
            req.append("\r\n");
            so.getOutputStream().write(req.toString().getBytes(StandardCharsets.US_ASCII));
            so.getOutputStream().flush();
            InputStream in = so.getInputStream();
            StringBuilder head = new StringBuilder();
            while (head.length() < 8192 && !(head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n"))) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("GET stream: connection closed after " + head.length() + " bytes: "
                            + McpSession.abbreviate(head.toString()));
                }
                head.append((char) b);
            }
            String status = head.substring(0, Math.max(0, head.indexOf("\r\n")));
            if (!status.startsWith("HTTP/1.1 200")) {
                throw new IOException("GET stream: " + status);
            }
            so.setSoTimeout(0);
            return so;
        } catch (IOException | RuntimeException e) {
            so.close();
            throw e;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        return o instanceof Map ? (Map<String, Object>) o : Map.of();
    }

    /** The gauge of the GET streams the gateway holds open to its upstreams (summed over servers). */
    static final String UPSTREAM_STREAMS = "mcp.gateway.upstream.streams.active";

    /** Heap used after a full GC, RSS and upstream GET streams of the gateway; what could not be read is left out, with an error. */
    static Map<String, Object> footprint(long pid, String jcmd, String actuator) {
        Map<String, Object> m = new LinkedHashMap<>();
        try {
            Process gc = new ProcessBuilder(jcmd, Long.toString(pid), "GC.run").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!gc.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
                gc.destroyForcibly();
                m.put("error", "jcmd GC.run did not end in 120 s");
            }
        } catch (Exception e) {
            m.put("error", "jcmd GC.run: " + e);
        }
        try (HttpClient http = McpSession.newHttpClient()) {
            Double heap = metric(http, actuator, "jvm.memory.used?tag=area:heap");
            if (heap != null) {
                m.put("heapUsedMiB", LoadGen.round(heap / 1024 / 1024));
            }
            Double up = metric(http, actuator, UPSTREAM_STREAMS);
            m.put("upstreamStreams", up == null ? null : Math.round(up));
            Double gets = metric(http, actuator, "mcp.gateway.streams.active?tag=kind:get");
            m.put("clientGetStreams", gets == null ? null : Math.round(gets));
        } catch (Exception e) {
            m.put("error", "actuator: " + McpSession.abbreviate(e.toString()));
        }
        Long rss = rssKiB(pid);
        if (rss != null) {
            m.put("rssMiB", LoadGen.round(rss / 1024.0));
        }
        return m;
    }

    /** A metric's first measurement from /actuator/metrics (all its meters summed); null if there is no such metric. */
    static Double metric(HttpClient http, String actuator, String nameAndQuery) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(actuator + "/metrics/" + nameAndQuery))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 404) {
            return null;
        }
        if (r.statusCode() != 200) {
            throw new IOException("/actuator/metrics/" + nameAndQuery + ": HTTP " + r.statusCode());
        }
        return McpSession.JSON.readTree(r.body()).path("measurements").path(0).path("value").asDouble();
    }

    /** VmRSS of a process in KiB, null if unreadable. */
    static Long rssKiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }
}
