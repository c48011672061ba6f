package io.camelmcp.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.camelmcp.gateway.support.FuzzCase;
import io.camelmcp.gateway.support.FuzzGenerator;
import io.camelmcp.gateway.support.RawMcpClient;

/**
 * Hostile input on /mcp never gets a 5xx, a hang, a stack trace or an answer that is not JSON-RPC: a seeded generator
 * ({@link FuzzGenerator}, {@code -Dfuzz.seed}, {@code -Dfuzz.cases}) mutates valid MCP messages, inside a real
 * session and outside any, and every answer is checked for its shape; the hand-written corpus in
 * {@code src/test/resources/fuzz/corpus/} (and a saved failure named by {@code -Dfuzz.replay}) is replayed with the
 * answers its cases promise. After either, a normal client still initializes and calls a demo tool.
 * A failing generated case is saved to {@code target/fuzz-failures/<seed>-<index>.json}, replayable as is.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class FuzzTest {

    static final Duration TIMEOUT = Duration.ofSeconds(20);
    /** What a leaked stack trace or a container's own error page looks like. */
    static final List<String> MARKERS = List.of("Exception", "\tat ", "java.", "org.apache", "org.springframework", "<html");
    static final Path FAILURES = Path.of("target", "fuzz-failures");

    @LocalServerPort
    int port;

    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    final Map<String, String> sharedSessions = new LinkedHashMap<>();
    URI endpoint;

    @BeforeEach
    void sessions() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        endpoint = URI.create("http://127.0.0.1:" + port + "/mcp");
        sharedSessions.put("shared", session("2025-11-25"));
        sharedSessions.put("shared-2025-03-26", session("2025-03-26"));
    }

    @AfterEach
    void aNormalClientIsStillServed() throws Exception {
        RawMcpClient c = new RawMcpClient(endpoint.toString());
        c.initialize("2025-11-25");
        JsonNode sum = c.request(2, "tools/call", "{\"name\":\"calc_add\",\"arguments\":{\"a\":2,\"b\":3}}");
        assertThat(sum.path("result").path("content").path(0).path("text").asText()).as(sum.toString()).isEqualTo("5");
    }

    @Test
    void generatedHostileRequestsAreAnsweredWithJsonRpc() throws Exception {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        int count = Integer.getInteger("fuzz.cases", 1200);
        System.out.println("FuzzTest seed=" + seed + " (replay: -Dfuzz.seed=" + seed + ")");
        // every case is made before any is sent, so that a seed and an index name the same case whatever the timing
        FuzzGenerator generator = new FuzzGenerator(new Random(seed));
        List<FuzzCase> cases = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            cases.add(generator.next(i));
        }
        long start = System.nanoTime();
        Map<Integer, Integer> byStatus = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        // -Dfuzz.log=<file>: one line per case (index, name, status, the answer's start), to see what the cases reach
        String logFile = System.getProperty("fuzz.log");
        List<String> log = new ArrayList<>();
        // four at a time: concurrency of its own for the gateway, and the run stays short on two cores
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Outcome>> outcomes = new ArrayList<>();
            for (FuzzCase c : cases) {
                outcomes.add(pool.submit(() -> run(c)));
            }
            for (int i = 0; i < outcomes.size(); i++) {
                Outcome o = outcomes.get(i).get(TIMEOUT.toSeconds() + 10, TimeUnit.SECONDS);
                byStatus.merge(o.status(), 1, Integer::sum);
                String sent = new String(cases.get(i).body(), StandardCharsets.UTF_8);
                log.add(i + "\t" + cases.get(i).name() + "\t" + o.status() + "\t" + o.contentType() + "\t"
                        + oneLine(o.body()) + "\t" + cases.get(i).headers() + "\t" + oneLine(sent));
                if (!o.problems().isEmpty()) {
                    failures.add(save(seed + "-" + i, cases.get(i), seed, i, o));
                }
            }
        } finally {
            pool.shutdownNow();
        }
        if (logFile != null) {
            Files.write(Path.of(logFile), log);
        }
        System.out.printf(Locale.ROOT, "FuzzTest seed=%d: %d cases in %.1f s, by status %s%n", seed, count,
                (System.nanoTime() - start) / 1e9, byStatus);
        assertThat(failures).as("failed cases (seed %d), saved for -Dfuzz.replay=<file>", seed).isEmpty();
    }

    @Test
    void corpusCasesGetTheAnswersTheyPromise() throws Exception {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> corpus = Files.list(Path.of(getClass().getResource("/fuzz/corpus").toURI()))) {
            corpus.filter(p -> p.toString().endsWith(".json")).sorted().forEach(files::add);
        }
        String replay = System.getProperty("fuzz.replay");
        if (replay != null && !replay.isBlank()) {
            files.add(Path.of(replay));
        }
        assertThat(files.size()).isGreaterThanOrEqualTo(40);
        Map<Integer, Integer> byStatus = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        for (Path file : files) {
            FuzzCase c = FuzzCase.read(RawMcpClient.JSON.readTree(file.toFile()));
            Outcome o = run(c);
            byStatus.merge(o.status(), 1, Integer::sum);
            System.out.println("FuzzTest corpus " + file.getFileName() + ": " + o.status() + " " + oneLine(o.body()));
            if (!o.problems().isEmpty()) {
                failures.add(file.getFileName() + ": " + o.problems() + " — answer " + o.status() + " " + abbreviate(o.body()));
            }
        }
        System.out.printf(Locale.ROOT, "FuzzTest corpus: %d cases, by status %s%n", files.size(), byStatus);
        assertThat(failures).as("corpus cases").isEmpty();
    }

    // --- one case ---------------------------------------------------------------------------------------------------

    /** The status (-1: connection closed without an answer), the answer's text and whatever was wrong with it. */
    record Outcome(int status, String contentType, String body, List<String> problems) {}

    Outcome run(FuzzCase c) {
        Answer a;
        try {
            a = c.transport().equals("truncated") ? sendTruncated(c) : send(c);
        } catch (HttpTimeoutException e) {
            return new Outcome(0, "", "", List.of("no answer within " + TIMEOUT.toSeconds() + " s"));
        } catch (IOException | RuntimeException e) {
            return new Outcome(0, "", "", List.of("request failed: " + e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(0, "", "", List.of("interrupted"));
        }
        String text = new String(a.body(), StandardCharsets.UTF_8);
        List<String> problems = new ArrayList<>();
        JsonNode last = check(c, a, text, problems);
        expectations(c, a, last, problems);
        return new Outcome(a.status(), a.contentType(), text, problems);
    }

    record Answer(int status, String contentType, byte[] body) {}

    Answer send(FuzzCase c) throws IOException, InterruptedException {
        String session = resolveSession(c.session());
        HttpRequest.BodyPublisher publisher = switch (c.transport()) {
            case "chunked" -> HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(c.body()));
            case "slow" -> HttpRequest.BodyPublishers.fromPublisher(
                    HttpRequest.BodyPublishers.ofInputStream(() -> new SlowStream(c.body(), 5, 400)), c.body().length);
            default -> c.body().length == 0 && !c.method().equals("POST") ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(c.body());
        };
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoint).timeout(TIMEOUT).method(c.method(), publisher);
        headers(c, session).forEach(h -> b.header(h[0], h[1]));
        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
    }

    /**
     * Raw socket: a Content-Length 64 bytes beyond the body, the body, then the output half-closed. The server's read
     * timeout is long, so the end of input is what tells it the body will not come; a closed connection without an
     * answer is accepted for this transport only.
     */
    Answer sendTruncated(FuzzCase c) throws IOException, InterruptedException {
        StringBuilder head = new StringBuilder("POST /mcp HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n");
        headers(c, resolveSession(c.session())).forEach(h -> head.append(h[0]).append(": ").append(h[1]).append("\r\n"));
        head.append("Content-Length: ").append(c.body().length + 64).append("\r\n\r\n");
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().write(c.body());
            s.getOutputStream().flush();
            s.shutdownOutput();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) > 0; ) {
                    out.write(buf, 0, n);
                }
            } catch (SocketTimeoutException e) {
                if (out.size() == 0) {
                    throw new HttpTimeoutException("no answer and the connection still open after 5 s");
                }
            } catch (java.net.SocketException e) {
                // reset after the answer (or instead of it): what arrived is the answer
            }
            return parseHttp(out.toByteArray());
        }
    }

    /** The headers as sent: defaults unless the case names the header, then the case's, {@code ${session}} resolved. */
    List<String[]> headers(FuzzCase c, String session) {
        List<String[]> out = new ArrayList<>();
        if (c.header("Content-Type") == null && !c.method().equals("GET") && !c.method().equals("DELETE")) {
            out.add(new String[] {"Content-Type", "application/json"});
        }
        if (c.header("Accept") == null) {
            out.add(new String[] {"Accept", RawMcpClient.BOTH});
        }
        if (c.header("Mcp-Session-Id") == null && session != null) {
            out.add(new String[] {"Mcp-Session-Id", session});
        }
        String own = session != null ? session : sharedSessions.get("shared");
        c.headers().forEach((name, values) -> values.forEach(v -> out.add(new String[] {name, v.replace("${session}", own)})));
        return out;
    }

    String resolveSession(String mode) throws IOException, InterruptedException {
        return switch (mode) {
            case "none" -> null;
            case "fresh" -> session("2025-11-25");
            case "fresh-2025-03-26" -> session("2025-03-26");
            default -> {
                String id = sharedSessions.get(mode);
                if (id == null) {
                    throw new IllegalArgumentException("unknown session mode " + mode);
                }
                yield id;
            }
        };
    }

    String session(String version) throws IOException, InterruptedException {
        RawMcpClient c = new RawMcpClient(endpoint.toString());
        c.initialize(version);
        return c.sessionId();
    }

    // --- checks -------------------------------------------------------------------------------------------------------

    /** The shape every answer on /mcp must have; returns the answer's last JSON-RPC response (or null). */
    JsonNode check(FuzzCase c, Answer a, String text, List<String> problems) {
        if (a.status() == -1) {
            if (!c.transport().equals("truncated")) {
                problems.add("connection closed without an answer");
            }
            return null;
        }
        if (!(a.status() >= 200 && a.status() < 300 || a.status() >= 400 && a.status() < 500)) {
            problems.add("status " + a.status());
        }
        for (String marker : MARKERS) {
            if (text.contains(marker)) {
                problems.add("body contains '" + marker.replace("\t", "\\t") + "'");
            }
        }
        if (a.status() == 202 || a.body().length == 0) {
            if (a.status() != 202 && a.body().length == 0 && !(c.method().equals("DELETE") && a.status() < 300)) {
                problems.add("empty body with status " + a.status());
            }
            if (a.body().length > 0) {
                problems.add("202 with a body");
            }
            return null;
        }
        String type = a.contentType().toLowerCase(Locale.ROOT);
        if (type.startsWith("application/json")) {
            JsonNode json;
            try {
                json = RawMcpClient.JSON.readTree(a.body());
            } catch (IOException e) {
                problems.add("JSON body does not parse: " + abbreviate(String.valueOf(e.getMessage())));
                return null;
            }
            if (json.isArray()) {
                if (json.isEmpty()) {
                    problems.add("empty array");
                }
                json.forEach(m -> response(m, problems));
                return json;
            }
            response(json, problems);
            return json;
        }
        if (type.startsWith("text/event-stream")) {
            return events(text, problems);
        }
        problems.add("Content-Type '" + a.contentType() + "'");
        return null;
    }

    /** Well-formed SSE whose every data event is a JSON-RPC message; returns the last response. */
    static JsonNode events(String text, List<String> problems) {
        JsonNode last = null;
        StringBuilder data = new StringBuilder();
        List<String> lines = new ArrayList<>(List.of(text.replace("\r\n", "\n").split("\n", -1)));
        lines.add("");
        for (String line : lines) {
            if (line.isEmpty()) {
                if (!data.toString().isBlank()) {
                    try {
                        JsonNode m = RawMcpClient.JSON.readTree(data.toString());
                        if (m.has("method")) {
                            if (!m.path("jsonrpc").asText().equals("2.0") || !m.get("method").isTextual()) {
                                problems.add("SSE message is not JSON-RPC: " + abbreviate(data.toString()));
                            }
                        } else {
                            response(m, problems);
                            last = m;
                        }
                    } catch (IOException e) {
                        problems.add("SSE data does not parse: " + abbreviate(data.toString()));
                    }
                }
                data.setLength(0);
            } else if (line.startsWith("data:")) {
                data.append(line.substring(5)).append('\n');
            } else if (!(line.startsWith("id:") || line.startsWith("event:") || line.startsWith("retry:") || line.startsWith(":"))) {
                problems.add("SSE line '" + abbreviate(line) + "'");
            }
        }
        return last;
    }

    /** A JSON-RPC response: "2.0", an id (null allowed), and either a result or an error with a code and message. */
    static void response(JsonNode m, List<String> problems) {
        String shown = abbreviate(m.toString());
        if (!m.isObject()) {
            problems.add("not a JSON-RPC object: " + shown);
            return;
        }
        if (!m.path("jsonrpc").isTextual() || !m.get("jsonrpc").asText().equals("2.0")) {
            problems.add("jsonrpc is not \"2.0\": " + shown);
        }
        JsonNode id = m.get("id");
        if (id == null || !(id.isNull() || id.isTextual() || id.isNumber())) {
            problems.add("id missing or not a string, number or null: " + shown);
        }
        if (m.has("result") == m.has("error")) {
            problems.add("not exactly one of result and error: " + shown);
        } else if (m.has("error")) {
            JsonNode e = m.get("error");
            if (!e.path("code").isIntegralNumber() || !e.get("code").canConvertToInt() || !e.path("message").isTextual()) {
                problems.add("error without an integer code and a string message: " + shown);
            }
        }
    }

    /** What a corpus case promises: a status, an error code, a subset of the answer. */
    static void expectations(FuzzCase c, Answer a, JsonNode last, List<String> problems) {
        if (c.expectStatus() != null && !c.expectStatus().contains(a.status())) {
            problems.add("status " + a.status() + ", expected one of " + c.expectStatus());
        }
        if (c.expectErrorCode() != null) {
            int code = last == null ? 0 : last.path("error").path("code").asInt();
            if (!c.expectErrorCode().contains(code)) {
                problems.add("error code " + code + ", expected one of " + c.expectErrorCode());
            }
        }
        if (c.expectBody() != null && (last == null || !contains(last, c.expectBody()))) {
            problems.add("answer does not contain " + c.expectBody());
        }
    }

    /** {@code expected}'s members are in {@code actual}, recursively; arrays element by element, of equal length. */
    static boolean contains(JsonNode actual, JsonNode expected) {
        if (actual == null) {
            return false;
        }
        if (expected.isObject()) {
            if (!actual.isObject()) {
                return false;
            }
            for (Map.Entry<String, JsonNode> e : expected.properties()) {
                if (!contains(actual.get(e.getKey()), e.getValue())) {
                    return false;
                }
            }
            return true;
        }
        if (expected.isArray()) {
            if (!actual.isArray() || actual.size() != expected.size()) {
                return false;
            }
            for (int i = 0; i < expected.size(); i++) {
                if (!contains(actual.get(i), expected.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (expected.isNumber() && actual.isNumber()) {
            return expected.decimalValue().compareTo(actual.decimalValue()) == 0;
        }
        return expected.equals(actual);
    }

    // --- failures -------------------------------------------------------------------------------------------------

    /** Writes the case, how to replay it and what went wrong to target/fuzz-failures/; returns a line naming it. */
    static String save(String id, FuzzCase c, long seed, int index, Outcome o) throws IOException {
        Files.createDirectories(FAILURES);
        Path file = FAILURES.resolve(id + ".json");
        ObjectNode n = c.write();
        n.put("seed", seed).put("index", index);
        n.putArray("failure").addAll(o.problems().stream().map(n::textNode).toList());
        n.putObject("answer").put("status", o.status()).put("contentType", o.contentType()).put("body", abbreviate(o.body()));
        RawMcpClient.JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), n);
        return file.toAbsolutePath() + " (" + c.name() + "): " + o.problems();
    }

    static String oneLine(String s) {
        return s.substring(0, Math.min(300, s.length())).replace("\n", "\\n");
    }

    static String abbreviate(String s) {
        return s.length() <= 600 ? s : s.substring(0, 600) + "…(" + s.length() + " chars)";
    }

    // --- plumbing -------------------------------------------------------------------------------------------------

    /** An answer read off a raw socket (Content-Length, chunked, or up to the close); status -1 when there was none. */
    static Answer parseHttp(byte[] raw) {
        String all = new String(raw, StandardCharsets.ISO_8859_1);
        int end = all.indexOf("\r\n\r\n");
        if (raw.length == 0 || end < 0) {
            return new Answer(raw.length == 0 ? -1 : 0, "", raw);
        }
        String[] head = all.substring(0, end).split("\r\n");
        int status = Integer.parseInt(head[0].split(" ")[1]);
        String type = "";
        boolean chunked = false;
        for (String h : head) {
            String lower = h.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-type:")) {
                type = h.substring(13).trim();
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        String body = all.substring(end + 4);
        if (chunked) {
            StringBuilder b = new StringBuilder();
            int at = 0;
            while (at < body.length()) {
                int eol = body.indexOf("\r\n", at);
                int size = eol < 0 ? 0 : Integer.parseInt(body.substring(at, eol).split(";")[0].trim(), 16);
                if (size == 0) {
                    break;
                }
                b.append(body, eol + 2, Math.min(body.length(), eol + 2 + size));
                at = eol + 2 + size + 2;
            }
            body = b.toString();
        }
        return new Answer(status, type, body.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** A body that arrives in {@code pieces} parts, {@code pauseMillis} apart. */
    static final class SlowStream extends InputStream {
        private final byte[] bytes;
        private final int piece;
        private final long pauseMillis;
        private int at;

        SlowStream(byte[] bytes, int pieces, long pauseMillis) {
            this.bytes = bytes;
            this.piece = Math.max(1, (bytes.length + pieces - 1) / pieces);
            this.pauseMillis = pauseMillis;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (at >= bytes.length) {
                return -1;
            }
            if (at > 0) {
                try {
                    Thread.sleep(pauseMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return -1;
                }
            }
            int n = Math.min(len, Math.min(piece, bytes.length - at));
            System.arraycopy(bytes, at, b, off, n);
            at += n;
            return n;
        }
    }
}
