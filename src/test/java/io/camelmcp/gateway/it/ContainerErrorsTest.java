package io.camelmcp.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.camelmcp.gateway.support.RawMcpClient;

/**
 * Requests the servlet container refuses before any servlet sees them — headers too large, a control character in a
 * header, two Content-Lengths, a broken chunked body — are answered on /mcp with a JSON-RPC error (null id), never
 * Jetty's HTML page or Spring's {@code {"timestamp":…}}; other paths answer problem+json.
 * Sent over a raw socket: no HTTP client sends these.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ContainerErrorsTest {

    static final String BODY = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";
    static final String HEAD = "POST /mcp HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n"
            + "Accept: application/json, text/event-stream\r\n";

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry registry) {
        registry.add("mcp.gateway.demo.enabled", () -> "false");
    }

    @ParameterizedTest
    @ValueSource(strings = {"oversized-header", "control-character", "two-content-lengths", "bad-chunk-size"})
    void malformedHttpOnMcpIsAJsonRpcError(String kind) throws Exception {
        String request = switch (kind) {
            case "oversized-header" -> HEAD + "X-Big: " + "a".repeat(20_000) + "\r\n" + length() + BODY;
            case "control-character" -> HEAD + "X-C: a\u0001b\r\n" + length() + BODY;
            case "two-content-lengths" -> HEAD + "Content-Length: " + BODY.length() + "\r\n" + length() + BODY;
            case "bad-chunk-size" -> HEAD + "Transfer-Encoding: chunked\r\n\r\nZZ\r\n" + BODY + "\r\n0\r\n\r\n";
            default -> throw new IllegalArgumentException(kind);
        };
        String answer = exchange(request);
        // headers beyond server.max-http-request-header-size (8 KiB) are 431, the rest 400
        String status = kind.equals("oversized-header") ? "431" : "400";
        assertThat(answer).startsWith("HTTP/1.1 " + status);
        assertThat(headers(answer)).containsIgnoringCase("content-type: application/json");
        JsonNode error = RawMcpClient.JSON.readTree(body(answer));
        assertThat(error.path("jsonrpc").asText()).isEqualTo("2.0");
        assertThat(error.has("id") && error.get("id").isNull()).isTrue();
        assertThat(error.path("error").path("code").asInt()).isEqualTo(-32600);
        assertThat(error.path("error").path("message").asText())
                .startsWith(status.equals("431") ? "Request Header Fields Too Large" : "Bad Request");
        assertThat(answer).doesNotContainIgnoringCase("<html").doesNotContain("timestamp", "Exception", "aaaa");
    }

    /** Jetty bounds the headers' total size, not their number: 150 small ones reach the gateway, which answers. */
    @Test
    void manySmallHeadersReachTheGateway() throws Exception {
        String initialize = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
                + "\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
                + "\"clientInfo\":{\"name\":\"headers\",\"version\":\"1\"}}}";
        String answer = exchange(HEAD + numbered() + "Content-Length: " + initialize.length() + "\r\n\r\n"
                + initialize);
        assertThat(answer).startsWith("HTTP/1.1 200");
        assertThat(body(answer)).contains("\"protocolVersion\":\"2025-11-25\"");
    }

    @Test
    void otherPathsAnswerProblemJson() throws Exception {
        String answer = exchange("GET /no-such-page HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 404");
        assertThat(headers(answer)).containsIgnoringCase("content-type: application/problem+json");
        JsonNode problem = RawMcpClient.JSON.readTree(body(answer));
        assertThat(problem.path("status").asInt()).isEqualTo(404);
        assertThat(problem.path("title").asText()).isEqualTo("Not Found");
    }

    /**
     * An answer given before its request's body arrived whole (here a POST of text/plain, refused before its body is
     * read, the body sent in two parts) leaves the connection usable: the gateway reads the rest after answering, and the next request on the
     * same connection is answered.
     */
    @Test
    void aConnectionServesOnAfterAnAnswerGivenBeforeTheBody() throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            byte[] body = BODY.getBytes(StandardCharsets.ISO_8859_1);
            String wrongType = HEAD.replace("Content-Type: application/json", "Content-Type: text/plain");
            s.getOutputStream().write((wrongType + length()).getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().write(body, 0, 10);
            s.getOutputStream().flush();
            Thread.sleep(300);
            s.getOutputStream().write(body, 10, body.length - 10);
            s.getOutputStream().flush();
            String first = readAnswer(s.getInputStream());
            assertThat(first).startsWith("HTTP/1.1 4").doesNotContainIgnoringCase("connection: close");

            String initialize = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"initialize\",\"params\":{"
                    + "\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
                    + "\"clientInfo\":{\"name\":\"again\",\"version\":\"1\"}}}";
            s.getOutputStream().write((HEAD + "Content-Length: " + initialize.length() + "\r\n\r\n" + initialize)
                    .getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            assertThat(readAnswer(s.getInputStream())).startsWith("HTTP/1.1 200");
        }
    }

    /** One answer with a Content-Length, read byte by byte so that nothing of the next one is taken. */
    private static String readAnswer(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int b; !complete(out.toString(StandardCharsets.ISO_8859_1)) && (b = in.read()) >= 0; ) {
            out.write(b);
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    private static String numbered() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 150; i++) {
            b.append("X-N").append(i).append(": v\r\n");
        }
        return b.toString();
    }

    private static String length() {
        return "Content-Length: " + BODY.length() + "\r\n\r\n";
    }

    private String exchange(String request) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) > 0; ) {
                    out.write(buf, 0, n);
                    if (complete(out.toString(StandardCharsets.ISO_8859_1))) {
                        break;
                    }
                }
            } catch (SocketTimeoutException | java.net.SocketException e) {
                // what arrived is the answer
            }
            return out.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** A whole answer with a Content-Length (the container's error answers have one). */
    private static boolean complete(String answer) {
        int end = answer.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        String head = answer.substring(0, end).toLowerCase(java.util.Locale.ROOT);
        int at = head.indexOf("content-length:");
        if (at < 0) {
            return false;
        }
        int len = Integer.parseInt(head.substring(at + 15).split("\r\n")[0].trim());
        return answer.length() - end - 4 >= len;
    }

    private static String headers(String answer) {
        return answer.substring(0, answer.indexOf("\r\n\r\n"));
    }

    private static String body(String answer) {
        return answer.substring(answer.indexOf("\r\n\r\n") + 4);
    }
}
