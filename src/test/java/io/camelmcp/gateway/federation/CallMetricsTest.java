package io.camelmcp.gateway.federation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** What error.type says of an upstream's answer, read without building a tree. */
class CallMetricsTest {

    static String of(String json, boolean toolCall) {
        return CallMetrics.answerError(json.getBytes(StandardCharsets.UTF_8), toolCall);
    }

    @Test
    void theJsonRpcErrorCodeOrToolErrorOrNone() {
        assertThat(of("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"message\":\"x\",\"code\":-32602}}", true)).isEqualTo("-32602");
        assertThat(of("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"error\"}],\"isError\":true}}", true))
                .isEqualTo("tool_error");
        assertThat(of("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"content\":[{\"isError\":true,\"error\":{\"code\":1}}]}}", true))
                .as("members of nested objects are not the result's").isEqualTo("none");
        assertThat(of("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"isError\":true}}", false)).as("only tools/call has isError").isEqualTo("none");
        assertThat(of("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}", false)).isEqualTo("none");
        assertThat(of("not json", true)).isEqualTo("invalid_answer");
    }
}
