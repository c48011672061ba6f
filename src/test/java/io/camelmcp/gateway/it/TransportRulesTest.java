package io.camelmcp.gateway.it;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.camelmcp.gateway.support.RawMcpClient;

/** The Streamable HTTP rules of the 2025-11-25 transport, and bad input, each with its exact answer. */
class TransportRulesTest extends EverythingGatewayTest {

    private static final String LIST = "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/list\"}";

    RawMcpClient c;

    @BeforeEach
    void session() throws Exception {
        c = client();
        c.initialize("2025-11-25");
    }

    @AfterEach
    void gatewayStillServesEveryoneElse() throws Exception {
        RawMcpClient other = client();
        other.initialize("2025-11-25");
        assertThat(other.request(1, "ping", null).path("result").isObject()).isTrue();
    }

    @Test
    void initializeAnswersWithTheGatewaysCapabilitiesAndAnUnguessableSession() throws Exception {
        RawMcpClient fresh = client();
        JsonNode init = fresh.initialize("2025-11-25");
        assertThat(init.path("result").path("capabilities").has("tools")).isTrue();
        assertThat(init.path("result").path("serverInfo").path("name").asText()).isEqualTo("camel-mcp-gateway");
        assertThat(fresh.sessionId()).matches("[\\x21-\\x7E]{32,}").isNotEqualTo(c.sessionId());
    }

    @Test
    void missingSessionHeaderIs400() throws Exception {
        c.sessionId(null);
        HttpResponse<String> r = c.post(LIST, Map.of());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(error(r).path("message").asText()).contains("Mcp-Session-Id");
    }

    @Test
    void unknownSessionIs404() throws Exception {
        assertThat(c.post(LIST, Map.of("Mcp-Session-Id", "no-such-session")).statusCode()).isEqualTo(404);
    }

    @Test
    void unsupportedProtocolVersionHeaderIs400AndSupportedOnesPass() throws Exception {
        HttpResponse<String> r = c.post(LIST, Map.of("MCP-Protocol-Version", "1999-01-01"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(error(r).path("message").asText()).contains("1999-01-01");
        assertThat(c.post(LIST, Map.of("MCP-Protocol-Version", "2025-11-25")).statusCode()).isEqualTo(200);
        assertThat(c.post(LIST, Map.of("MCP-Protocol-Version", "2025-03-26")).statusCode()).isEqualTo(200);
    }

    @Test
    void acceptWithoutBothTypesIs406() throws Exception {
        assertThat(c.post(LIST, Map.of("Accept", "application/json")).statusCode()).isEqualTo(406);
        assertThat(c.post(LIST, Map.of("Accept", "text/event-stream")).statusCode()).isEqualTo(406);
        // what curl sends by default accepts both
        assertThat(c.post(LIST, Map.of("Accept", "*/*")).statusCode()).isEqualTo(200);
    }

    @Test
    void foreignOriginIs403LocalOriginsPass() throws Exception {
        HttpResponse<String> r = c.post(LIST, Map.of("Origin", "https://evil.example"));
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(error(r).path("message").asText()).contains("evil.example");
        assertThat(c.post(LIST, Map.of("Origin", "http://localhost:6274")).statusCode()).isEqualTo(200);
        assertThat(c.post(LIST, Map.of("Origin", "http://127.0.0.1:3000")).statusCode()).isEqualTo(200);
    }

    @Test
    void notificationsAre202WithNoBodyAndUnknownAnswersAre400() throws Exception {
        HttpResponse<String> n = c.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", Map.of());
        assertThat(n.statusCode()).isEqualTo(202);
        assertThat(n.body()).isEmpty();
        // an answer to a server request nobody sent (or that expired) is refused, precisely
        HttpResponse<String> resp = c.post("{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"result\":{}}", Map.of());
        assertThat(resp.statusCode()).isEqualTo(400);
        assertThat(error(resp).path("message").asText()).contains("No pending server request");
    }

    @Test
    void getOpensTheSessionsEventStreamWithAPrimingEvent() throws Exception {
        HttpResponse<java.io.InputStream> r = c.openGet(Map.of("Accept", "text/event-stream"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        try (java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(r.body()))) {
            assertThat(in.readLine()).startsWith("retry: ");
            assertThat(in.readLine()).matches("id: s\\d+-0");
            assertThat(in.readLine()).isEqualTo("data: ");
        }
    }

    @Test
    void getWithoutEventStreamInAcceptIs406AndWithoutSessionIs400() throws Exception {
        assertThat(c.send("GET", Map.of("Accept", "application/json")).statusCode()).isEqualTo(406);
        c.sessionId(null);
        assertThat(c.send("GET", Map.of("Accept", "text/event-stream")).statusCode()).isEqualTo(400);
    }

    @Test
    void otherHttpMethodsAre405() throws Exception {
        HttpResponse<String> r = c.send("PUT", Map.of());
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.headers().firstValue("Allow").orElse("")).contains("POST").contains("GET").contains("DELETE");
        assertThat(c.send("PATCH", Map.of()).statusCode()).isEqualTo(405);
    }

    @Test
    void browserClientsGetCorsForLoopbackOriginsOnly() throws Exception {
        HttpResponse<String> preflight = c.send("OPTIONS", Map.of("Origin", "http://localhost:6274",
                "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type,mcp-session-id"));
        assertThat(preflight.statusCode()).isEqualTo(200);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).contains("http://localhost:6274");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods").orElse("")).contains("POST");

        HttpResponse<String> post = c.post(LIST, Map.of("Origin", "http://localhost:6274"));
        assertThat(post.headers().firstValue("Access-Control-Expose-Headers").orElse("")).containsIgnoringCase("Mcp-Session-Id");

        HttpResponse<String> foreign = c.send("OPTIONS", Map.of("Origin", "https://evil.example",
                "Access-Control-Request-Method", "POST"));
        assertThat(foreign.statusCode()).isEqualTo(403);
    }

    @Test
    void pingAnswersAnEmptyResult() throws Exception {
        JsonNode r = c.request(11, "ping", null);
        assertThat(r.path("id").asInt()).isEqualTo(11);
        assertThat(r.path("result").size()).isZero();
    }

    @Test
    void notJsonIsAParseError() throws Exception {
        HttpResponse<String> r = c.post("{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": ", Map.of());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(error(r).path("code").asInt()).isEqualTo(-32700);
        assertThat(json(r).get("id").isNull()).isTrue();
    }

    @Test
    void aJsonArrayIsAnInvalidRequestAfter2025_03_26() throws Exception {
        HttpResponse<String> r = c.post("[" + LIST + "]", Map.of());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(error(r).path("code").asInt()).isEqualTo(-32600);
    }

    @Test
    void batchesAreAnsweredAsOneArrayIn2025_03_26Sessions() throws Exception {
        RawMcpClient old = client();
        old.initialize("2025-03-26");
        HttpResponse<String> r = old.post("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"},"
                + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"},"
                + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"a_get-sum\",\"arguments\":{\"a\":2,\"b\":3}}},"
                + "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"zz_nothing\"}}]", Map.of());
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode answers = json(r);
        assertThat(answers.isArray()).isTrue();
        assertThat(answers).hasSize(3);
        assertThat(answers.get(0).path("id").asInt()).isEqualTo(1);
        assertThat(answers.get(1).path("result").path("content").get(0).path("text").asText()).isEqualTo("The sum of 2 and 3 is 5.");
        assertThat(answers.get(2).path("error").path("code").asInt()).isEqualTo(-32602);
        assertThat(old.post("[{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}]", Map.of()).statusCode()).isEqualTo(202);
        assertThat(old.post("[]", Map.of()).statusCode()).isEqualTo(400);
    }

    @Test
    void notAJsonRpcMessageIsAnInvalidRequest() throws Exception {
        for (String body : new String[] {"42", "{\"id\":1,\"method\":\"ping\"}", "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"ping\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":[1]}"}) {
            HttpResponse<String> r = c.post(body, Map.of());
            assertThat(r.statusCode()).as(body).isEqualTo(400);
            assertThat(error(r).path("code").asInt()).as(body).isEqualTo(-32600);
        }
    }

    @Test
    void aTenMegabyteBodyIs413() throws Exception {
        String big = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"a_echo\",\"arguments\":{\"message\":\""
                + "x".repeat(10 * 1024 * 1024) + "\"}}}";
        HttpResponse<String> r = c.post(big, Map.of());
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(error(r).path("code").asInt()).isEqualTo(-32600);
    }

    @Test
    void aChunkedBodyIsBoundedByTheSameLimit() throws Exception {
        String big = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"a_echo\",\"arguments\":{\"message\":\""
                + "x".repeat(10 * 1024 * 1024) + "\"}}}";
        HttpResponse<String> refused = c.postChunked(big);
        assertThat(refused.statusCode()).isEqualTo(413);
        assertThat(error(refused).path("code").asInt()).isEqualTo(-32600);
        HttpResponse<String> fine = c.postChunked(LIST);
        assertThat(fine.statusCode()).isEqualTo(200);
        assertThat(json(fine).path("result").path("tools").size()).isEqualTo(26);
    }

    @Test
    void aWrongContentTypeIs415() throws Exception {
        HttpResponse<String> r = c.post(LIST, Map.of("Content-Type", "text/plain"));
        assertThat(r.statusCode()).isEqualTo(415);
        assertThat(c.post(LIST, Map.of("Content-Type", "application/json; charset=utf-8")).statusCode()).isEqualTo(200);
    }

    @Test
    void anUnknownMethodIsMethodNotFound() throws Exception {
        JsonNode r = c.request(3, "no/such/method", "{}");
        assertThat(r.path("error").path("code").asInt()).isEqualTo(-32601);
    }

    @Test
    void aCallToAnUnknownPrefixIsAnUnknownTool() throws Exception {
        JsonNode r = c.request(4, "tools/call", "{\"name\":\"zz_get-sum\",\"arguments\":{}}");
        assertThat(r.path("id").asInt()).isEqualTo(4);
        assertThat(r.path("error").path("code").asInt()).isEqualTo(-32602);
        assertThat(r.path("error").path("message").asText()).contains("zz_get-sum");
    }

    @Test
    void toolsCallWithoutANameIsInvalidParams() throws Exception {
        assertThat(c.request(4, "tools/call", "{\"arguments\":{}}").path("error").path("code").asInt()).isEqualTo(-32602);
        assertThat(c.request(5, "tools/call", "{\"name\":7}").path("error").path("code").asInt()).isEqualTo(-32602);
    }

    @Test
    void initializeWithBadParamsIsInvalidParams() throws Exception {
        RawMcpClient fresh = client();
        HttpResponse<String> r = fresh.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{}}", Map.of());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(error(r).path("code").asInt()).isEqualTo(-32602);
        assertThat(r.headers().firstValue("Mcp-Session-Id")).isEmpty();
    }

    @Test
    void deleteWithoutSessionIs400() throws Exception {
        c.sessionId(null);
        assertThat(c.send("DELETE", Map.of()).statusCode()).isEqualTo(400);
    }

    @Test
    void requestHeadersAreNeverEchoedBack() throws Exception {
        Map<String, String> h = new HashMap<>();
        h.put("Authorization", "Bearer secret-token");
        HttpResponse<String> ok = c.post(LIST, h);
        HttpResponse<String> rejected = c.post(LIST, Map.of("Authorization", "Bearer secret-token", "Origin", "https://evil.example"));
        for (HttpResponse<String> r : java.util.List.of(ok, rejected)) {
            assertThat(r.headers().map().keySet()).noneMatch(k -> k.equalsIgnoreCase("authorization") || k.equalsIgnoreCase("origin"));
        }
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("application/json");
        return RawMcpClient.JSON.readTree(r.body());
    }

    private static JsonNode error(HttpResponse<String> r) throws Exception {
        JsonNode e = json(r).path("error");
        assertThat(e.isObject()).as("JSON-RPC error in %s", r.body()).isTrue();
        return e;
    }

    @Test
    void aNotificationMethodWithAnIdIsARequestAndIsAnswered() throws Exception {
        for (String method : List.of("notifications/cancelled", "notifications/roots/list_changed", "notifications/initialized")) {
            JsonNode r = c.request(41, method, "{}");
            assertThat(r.path("id").asInt()).as(method + ": " + r).isEqualTo(41);
            assertThat(r.path("error").path("code").asInt()).as(method + ": " + r).isEqualTo(-32601);
        }
    }

    @Test
    void tasksListWithoutATasksServerInTheSessionIsEmpty() throws Exception {
        JsonNode r = c.request(42, "tasks/list", null);
        assertThat(r.path("error").isMissingNode()).as(r.toString()).isTrue();
        assertThat(r.path("result").path("tasks").isArray()).as(r.toString()).isTrue();
        assertThat(r.path("result").path("tasks")).isEmpty();
    }


    @Test
    void aBatchWhoseFirstMessageFailsIsStillOneArrayOfAnswers() throws Exception {
        RawMcpClient old = client();
        old.initialize("2025-03-26");
        HttpResponse<String> r = old.post("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"nope\"},"
                + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"zz\"}},"
                + "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\"}]", Map.of());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode answers = json(r);
        assertThat(answers.isArray()).as(r.body()).isTrue();
        assertThat(answers).hasSize(3);
        assertThat(answers.get(0).path("error").path("code").asInt()).isEqualTo(-32601);
        assertThat(answers.get(1).path("error").path("code").asInt()).isEqualTo(-32602);
        assertThat(answers.get(2).path("result").isObject()).isTrue();
    }


    @Test
    void deepNestingAndLongNumbersAreParseErrorsNotSizeErrors() throws Exception {
        String deep = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"a_echo\","
                + "\"arguments\":{\"message\":" + "[".repeat(3000) + "]".repeat(3000) + "}}}";
        String longNumber = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"a_get-sum\","
                + "\"arguments\":{\"a\":" + "9".repeat(5000) + ",\"b\":1}}}";
        for (String body : List.of(deep, longNumber)) {
            HttpResponse<String> r = c.post(body, Map.of());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            assertThat(error(r).path("code").asInt()).as(r.body()).isEqualTo(-32700);
        }
    }

    @Test
    void acceptSentAsTwoHeaderLinesIsOneList() throws Exception {
        HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(endpoint())).header("Content-Type", "application/json")
                .header("Accept", "application/json").header("Accept", "text/event-stream")
                .header("Mcp-Session-Id", c.sessionId()).header("MCP-Protocol-Version", "2025-11-25")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(LIST)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("\"tools\"");
    }

}
