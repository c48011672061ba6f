package io.camelmcp.gateway.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

class JsonRpcTest {

    private final JsonRpc json = new JsonRpc(new ObjectMapper(), 1024);

    private JsonRpcMessage parse(String s) {
        return json.parse(new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8)));
    }

    private static McpException error(Runnable r) {
        try {
            r.run();
        } catch (McpException e) {
            return e;
        }
        throw new AssertionError("no error");
    }

    @Test
    void classifiesRequestsNotificationsAndResponses() {
        assertThat(parse("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}").kind()).isEqualTo(JsonRpcMessage.Kind.REQUEST);
        assertThat(parse("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}").kind()).isEqualTo(JsonRpcMessage.Kind.NOTIFICATION);
        assertThat(parse("{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"result\":{}}").kind()).isEqualTo(JsonRpcMessage.Kind.RESPONSE);
        assertThat(parse("{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"error\":{\"code\":1,\"message\":\"m\"}}").kind()).isEqualTo(JsonRpcMessage.Kind.RESPONSE);
    }

    @Test
    void rejectsWhatIsNotOneJsonRpcMessage() {
        assertThat(error(() -> parse("{")).code()).isEqualTo(ErrorCodes.PARSE_ERROR);
        assertThat(error(() -> parse("")).code()).isEqualTo(ErrorCodes.PARSE_ERROR);
        assertThat(error(() -> parse("{} {}")).code()).isEqualTo(ErrorCodes.PARSE_ERROR);
        assertThat(error(() -> parse("[]")).code()).isEqualTo(ErrorCodes.INVALID_REQUEST);
        assertThat(error(() -> parse("{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"x\"}")).code()).isEqualTo(ErrorCodes.INVALID_REQUEST);
        assertThat(error(() -> parse("{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"x\"}")).code()).isEqualTo(ErrorCodes.INVALID_REQUEST);
        assertThat(error(() -> parse("{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"x\"}")).code()).isEqualTo(ErrorCodes.INVALID_REQUEST);
        assertThat(error(() -> parse("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{},\"error\":{}}")).code()).isEqualTo(ErrorCodes.INVALID_REQUEST);
        // the id is echoed when it can be read
        assertThat(error(() -> parse("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":5}")).requestId().asInt()).isEqualTo(7);
    }

    @Test
    void enforcesTheSizeLimitWhileParsing() {
        McpException e = error(() -> parse("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + "x".repeat(2000) + "\"}"));
        assertThat(e.httpStatus()).isEqualTo(413);
        assertThatThrownBy(() -> parse("{\"a\":\"" + "y".repeat(5000) + "\"}")).isInstanceOf(McpException.class);
    }
}
