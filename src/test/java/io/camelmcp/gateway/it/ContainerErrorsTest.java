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
 * Requests the servlet container refuses before any servlet sees them — a header too large, too many headers, a
 * control character in a header, two Content-Lengths, a broken chunked body — are answered on /mcp with a JSON-RPC
 * error (null id), never Tomcat's HTML page or Spring's {@code {"timestamp":…}}; other paths answer problem+json.
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
    @ValueSource(strings = {"oversized-header", "too-many-headers", "control-character", "two-content-lengths",
            "bad-chunk-size"})
    void malformedHttpOnMcpIsAJsonRpcError(String kind) throws Exception {
        String request = switch (kind) {
            case "oversized-header" -> HEAD + "X-Big: " + "a".repeat(20_000) + "\r\n" + length() + BODY;
            case "too-many-headers" -> HEAD + numbered() + length() + BODY;
            case "control-character" -> HEAD + "X-C: a\u0001b\r\n" + length() + BODY;
            case "two-content-lengths" -> HEAD + "Content-Length: " + BODY.length() + "\r\n" + length() + BODY;
            case "bad-chunk-size" -> HEAD + "Transfer-Encoding: chunked\r\n\r\nZZ\r\n" + BODY + "\r\n0\r\n\r\n";
            default -> throw new IllegalArgumentException(kind);
        };
        String answer = exchange(request);
        assertThat(answer).startsWith("HTTP/1.1 400");
        assertThat(headers(answer)).containsIgnoringCase("content-type: application/json");
        JsonNode error = RawMcpClient.JSON.readTree(body(answer));
        assertThat(error.path("jsonrpc").asText()).isEqualTo("2.0");
        assertThat(error.has("id") && error.get("id").isNull()).isTrue();
        assertThat(error.path("error").path("code").asInt()).isEqualTo(-32600);
        assertThat(error.path("error").path("message").asText()).startsWith("Bad Request");
        assertThat(answer).doesNotContainIgnoringCase("<html").doesNotContain("timestamp", "Exception", "aaaa");
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
