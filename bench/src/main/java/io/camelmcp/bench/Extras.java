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
     * Opens {@code sessions} gateway sessions, then {@code streams} GET streams on some of them, and reads the
     * gateway's heap (after a full GC, through jcmd) and resident set size at each point.
     */
    static Map<String, Object> memory(String url, long pid, String jcmd, int sessions, int streams,
                                      String actuator) throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("baseline", footprint(pid, jcmd, actuator));
        List<String> ids = new ArrayList<>();
        try (HttpClient http = McpSession.newHttpClient();
             ExecutorService exec = Executors.newVirtualThreadPerTaskExecutor()) {
            Semaphore inFlight = new Semaphore(32);
            List<Future<String>> opened = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < sessions; i++) {
                opened.add(exec.submit(() -> {
                    inFlight.acquire();
                    try {
                        McpSession s = new McpSession(http, url);
                        s.initialize();
                        return s.sessionId();
                    } finally {
                        inFlight.release();
                    }
                }));
            }
            for (Future<String> f : opened) {
                ids.add(f.get());
            }
            m.put("sessionsOpened", ids.size());
            m.put("sessionsOpenSeconds", LoadGen.round((System.nanoTime() - t0) / 1e9));
            m.put("withSessions", footprint(pid, jcmd, actuator));

            List<InputStream> open = new ArrayList<>();
            try (HttpClient streamsHttp = McpSession.newHttpClient()) {
                List<Future<InputStream>> gets = new ArrayList<>();
                for (int i = 0; i < streams && i < ids.size(); i++) {
                    String id = ids.get(i);
                    gets.add(exec.submit(() -> {
                        inFlight.acquire();
                        try {
                            HttpResponse<InputStream> r = streamsHttp.send(HttpRequest.newBuilder(URI.create(url))
                                    .header("Accept", "text/event-stream").header("Mcp-Session-Id", id)
                                    .header("MCP-Protocol-Version", McpSession.PROTOCOL).GET().build(),
                                    HttpResponse.BodyHandlers.ofInputStream());
                            if (r.statusCode() != 200) {
                                r.body().close();
                                throw new IOException("GET stream: HTTP " + r.statusCode());
                            }
                            return r.body();
                        } finally {
                            inFlight.release();
                        }
                    }));
                }
                for (Future<InputStream> f : gets) {
                    open.add(f.get());
                }
                m.put("streamsOpened", open.size());
                m.put("withSessionsAndStreams", footprint(pid, jcmd, actuator));
                // still serving everyone else
                McpSession probe = new McpSession(http, url);
                probe.initialize();
                JsonNode list = probe.request("tools/list", McpSession.JSON.createObjectNode());
                m.put("toolsListedMeanwhile", list.path("result").path("tools").size());
                for (InputStream in : open) {
                    in.close();
                }
            }
        }
        return m;
    }

    private static Map<String, Object> footprint(long pid, String jcmd, String actuator) throws Exception {
        new ProcessBuilder(jcmd, Long.toString(pid), "GC.run").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        Map<String, Object> m = new LinkedHashMap<>();
        try (HttpClient http = McpSession.newHttpClient()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(actuator
                    + "/metrics/jvm.memory.used?tag=area:heap")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            double heap = McpSession.JSON.readTree(r.body()).path("measurements").path(0).path("value").asDouble();
            m.put("heapUsedMiB", LoadGen.round(heap / 1024 / 1024));
        }
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                m.put("rssMiB", LoadGen.round(Long.parseLong(line.replaceAll("\\D", "")) / 1024.0));
            }
        }
        return m;
    }
}
