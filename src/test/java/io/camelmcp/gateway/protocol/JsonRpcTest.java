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

    @Test
    void numbersArePassedOnAsTheyCame() throws Exception {
        JsonRpcMessage m = parse("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"t\","
                + "\"arguments\":{\"a\":1e999999,\"b\":0.1000000000000000055511151231257827,\"c\":1.10,\"d\":12345678901234567890123}}}");
        String forwarded = json.mapper().writeValueAsString(m.raw());
        assertThat(forwarded).contains("\"a\":1E+999999", "\"b\":0.1000000000000000055511151231257827", "\"c\":1.10",
                "\"d\":12345678901234567890123").doesNotContain("Infinity");
    }

    @Test
    void parseErrorsSayWhatIsWrongWithoutTheParsersVocabulary() {
        McpException deep = error(() -> parse("[".repeat(1500) + "]".repeat(1500)));
        assertThat(deep.httpStatus()).isEqualTo(400);
        assertThat(deep.getMessage()).startsWith("Parse error: ").contains("nesting depth")
                .doesNotContain("StreamReadConstraints", "`", "Source");
        McpException nan = error(() -> parse("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\",\"params\":{\"a\":NaN}}"));
        assertThat(nan.getMessage()).startsWith("Parse error: ").contains("NaN").doesNotContain("JsonReadFeature", "`");
    }

    private String problem(String answer, String id) throws Exception {
        byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
        String streamed = json.responseProblem(bytes, json.read(id));
        // the token-stream check and the tree check agree wherever the answer is JSON
        try {
            assertThat(JsonRpc.responseProblem(json.read(bytes), json.read(id))).isEqualTo(streamed);
        } catch (java.io.IOException notJson) {
            assertThat(streamed).isEqualTo("answered something that is not JSON");
        }
        return streamed;
    }

    @Test
    void anUpstreamAnswerIsAResponseToTheRequestItWasAskedWith() throws Exception {
        assertThat(problem("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"content\":[{\"a\":[1,{}]}]}}", "7")).isNull();
        assertThat(problem("{\"id\":\"x\",\"error\":{\"code\":-32602,\"message\":\"no\"},\"jsonrpc\":\"2.0\"}", "\"x\"")).isNull();
        assertThat(problem("{\"jsonrpc\":\"2.0\",\"id\":\"7\",\"result\":{}}", "7")).startsWith("answered another request");
        assertThat(problem("{\"jsonrpc\":\"2.0\",\"id\":8,\"result\":{}}", "7")).isEqualTo("answered another request (id 8)");
        assertThat(problem("{\"jsonrpc\":\"2.0\",\"result\":{}}", "7")).isEqualTo("answered another request (id missing)");
        assertThat(problem("{\"jsonrpc\":\"2.0\",\"id\":7}", "7")).contains("not a JSON-RPC response");
        assertThat(problem("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{},\"error\":{}}", "7")).contains("not a JSON-RPC response");
        assertThat(problem("{\"jsonrpc\":\"1.0\",\"id\":7,\"result\":{}}", "7")).contains("not a JSON-RPC response");
        assertThat(problem("[{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{}}]", "7")).contains("not a JSON-RPC response");
        assertThat(problem("{\"jsonrpc\":\"2.0\",\"id\":7,\"error\":{\"code\":\"bad\"}}", "7")).isEqualTo("answered a malformed JSON-RPC error");
        assertThat(problem("<html>", "7")).isEqualTo("answered something that is not JSON");
        assertThat(json.responseProblem("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{}} {}".getBytes(StandardCharsets.UTF_8),
                json.read("7"))).isEqualTo("answered JSON with trailing data");
    }

    @Test
    void anIdWithALoneSurrogateIsInvalid() {
        assertThat(error(() -> parse("{\"jsonrpc\":\"2.0\",\"id\":\"a\\udc00\",\"method\":\"ping\"}")).code())
                .isEqualTo(ErrorCodes.INVALID_REQUEST);
        assertThat(parse("{\"jsonrpc\":\"2.0\",\"id\":\"\\ud83d\\ude00\",\"method\":\"ping\"}").id().textValue())
                .isEqualTo("\ud83d\ude00");
        assertThat(JsonRpc.wellFormed("\ud800x")).isFalse();
        assertThat(JsonRpc.wellFormed("x\ud800")).isFalse();
    }
}
