package io.camelmcp.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import com.fasterxml.jackson.databind.JsonNode;

import io.camelmcp.gateway.session.SessionStore;
import io.camelmcp.gateway.session.UpstreamSession;
import io.camelmcp.gateway.support.Peers;
import io.camelmcp.gateway.support.RawMcpClient;
import io.camelmcp.gateway.support.RawMcpClient.TimedMessage;

class FederationTest extends EverythingGatewayTest {

    @Autowired
    SessionStore sessions;

    @Test
    void toolsListIsTheUnionOfBothServersUnderTheirPrefixes() throws Exception {
        RawMcpClient c = client();
        c.initialize("2025-11-25");
        JsonNode tools = c.request(2, "tools/list", null).path("result").path("tools");

        List<String> names = new ArrayList<>();
        tools.forEach(t -> names.add(t.path("name").asText()));
        assertThat(names).hasSize(26)
                .contains("a_get-sum", "b_get-sum", "a_echo", "b_trigger-long-running-operation")
                .allMatch(n -> n.startsWith("a_") || n.startsWith("b_"));
        assertThat(names.stream().filter(n -> n.startsWith("a_")).map(n -> n.substring(2)).toList())
                .isEqualTo(names.stream().filter(n -> n.startsWith("b_")).map(n -> n.substring(2)).toList());
        // schemas travel unchanged
        JsonNode sum = find(tools, "b_get-sum");
        assertThat(sum.path("inputSchema").path("required").toString()).isEqualTo("[\"a\",\"b\"]");
    }

    @Test
    void aCachedListAnswersEachRequestUnderItsOwnIdWhateverItsType() throws Exception {
        RawMcpClient c = client();
        c.initialize("2025-11-25");
        JsonNode numbered = c.request(3, "tools/list", null);
        for (String id : new String[] {"\"list-\\\"one\\\"\"", "-7", "9007199254740993"}) {
            HttpResponse<String> r = c.post("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/list\"}", Map.of());
            JsonNode answer = RawMcpClient.messages(r).get(0);
            assertThat(answer.path("jsonrpc").asText()).isEqualTo("2.0");
            assertThat(answer.get("id")).isEqualTo(RawMcpClient.JSON.readTree(id));
            assertThat(answer.path("result")).isEqualTo(numbered.path("result"));
        }
    }

    @Test
    void prefixedGetSumReachesItsServerAndReturnsTheSum() throws Exception {
        RawMcpClient c = client();
        c.initialize("2025-11-25");
        JsonNode r = c.request(7, "tools/call", "{\"name\":\"b_get-sum\",\"arguments\":{\"a\":19,\"b\":23}}");
        assertThat(r.path("id").asInt()).isEqualTo(7);
        assertThat(r.path("result").path("content").get(0).path("text").asText()).isEqualTo("The sum of 19 and 23 is 42.");
        // only server b was needed, so only b got an upstream session
        assertThat(sessions.upstream(c.sessionId(), "everything-b")).isNotNull();
        assertThat(sessions.upstream(c.sessionId(), "everything-a")).isNull();
    }

    @Test
    void progressNotificationsArriveAsTheyHappenBeforeTheResult() throws Exception {
        RawMcpClient c = client();
        c.initialize("2025-11-25");
        long start = System.nanoTime();
        HttpResponse<InputStream> r = c.postStreaming("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\",\"params\":{"
                + "\"name\":\"a_trigger-long-running-operation\",\"arguments\":{\"duration\":2,\"steps\":2},"
                + "\"_meta\":{\"progressToken\":\"tok-9\"}}}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        List<TimedMessage> events = RawMcpClient.readEvents(r.body(), start);

        assertThat(events).hasSize(3);
        TimedMessage first = events.get(0);
        TimedMessage second = events.get(1);
        TimedMessage result = events.get(2);
        assertThat(first.message().path("method").asText()).isEqualTo("notifications/progress");
        assertThat(first.message().path("params").path("progressToken").asText()).isEqualTo("tok-9");
        assertThat(first.message().path("params").path("progress").asInt()).isEqualTo(1);
        assertThat(second.message().path("params").path("progress").asInt()).isEqualTo(2);
        assertThat(result.message().path("id").asInt()).isEqualTo(9);
        assertThat(result.message().path("result").path("content").get(0).path("text").asText())
                .startsWith("Long running operation completed");
        // the upstream spaces its steps one second apart: relayed live, the first one arrives a step before the end
        assertThat(result.atMillis() - first.atMillis()).isGreaterThan(700);
    }

    @Test
    void aClientThatLosesARequestStreamResumesItWithLastEventIdAndMissesNothing() throws Exception {
        RawMcpClient c = client();
        c.initialize("2025-11-25");
        HttpResponse<InputStream> r = c.postStreaming("{\"jsonrpc\":\"2.0\",\"id\":21,\"method\":\"tools/call\",\"params\":{"
                + "\"name\":\"b_trigger-long-running-operation\",\"arguments\":{\"duration\":3,\"steps\":3},"
                + "\"_meta\":{\"progressToken\":\"resume-me\"}}}");
        String lastId = null;
        java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(r.body()));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.startsWith("id: ")) {
                lastId = line.substring(4);
            }
            if (line.startsWith("data: {")) {
                break; // the first progress notification: now the connection drops
            }
        }
        assertThat(line).contains("\"progress\":1").contains("resume-me");
        r.body().close();

        HttpResponse<InputStream> resumed = c.openGet(Map.of("Accept", "text/event-stream", "Last-Event-ID", lastId));
        List<TimedMessage> rest = RawMcpClient.readEvents(resumed.body(), System.nanoTime());
        assertThat(rest).extracting(m -> m.message().path("params").path("progress").asInt(0)).startsWith(2, 3);
        JsonNode last = rest.get(rest.size() - 1).message();
        assertThat(last.path("id").asInt()).isEqualTo(21);
        assertThat(last.path("result").path("content").get(0).path("text").asText()).startsWith("Long running operation completed");
    }

    @Test
    void aSlowAnswerWithoutNotificationsGetsItsPrimedStreamAfterStreamAfterNotWithItsResponse() throws Exception {
        RawMcpClient c = client();
        c.initialize("2025-11-25");
        // server-everything starts its SSE answer at once and sends nothing for the 1.5 s the tool runs
        long start = System.nanoTime();
        HttpResponse<InputStream> r = c.postStreaming("{\"jsonrpc\":\"2.0\",\"id\":22,\"method\":\"tools/call\",\"params\":{"
                + "\"name\":\"b_trigger-long-running-operation\",\"arguments\":{\"duration\":1.5,\"steps\":1}}}");
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(r.body()));
        List<String> priming = new java.util.ArrayList<>();
        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
            priming.add(line);
        }
        long primedMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(priming).anyMatch(l -> l.startsWith("id: ")).contains("data: ");
        assertThat(primedMs).isLessThan(1200); // stream-after is 100 ms; the response comes after 1.5 s
        List<TimedMessage> rest = RawMcpClient.readEvents(in, start);
        assertThat(rest).hasSize(1);
        assertThat(rest.get(0).atMillis()).isGreaterThanOrEqualTo(1400);
        assertThat(rest.get(0).message().path("id").asInt()).isEqualTo(22);
    }

    @Test
    void deleteEndsTheGatewaySessionAndItsUpstreamSessions() throws Exception {
        RawMcpClient c = client();
        c.initialize("2025-11-25");
        // calls open the client's upstream sessions (lists come from the gateway's catalogue)
        c.request(2, "tools/call", "{\"name\":\"a_echo\",\"arguments\":{\"message\":\"x\"}}");
        UpstreamSession upA = sessions.upstream(c.sessionId(), "everything-a");
        assertThat(upA).isNotNull();

        assertThat(c.send("DELETE", Map.of()).statusCode()).isEqualTo(200);
        assertThat(c.post("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\"}", Map.of()).statusCode()).isEqualTo(404);
        assertThat(c.send("DELETE", Map.of()).statusCode()).isEqualTo(404);

        // the upstream session was ended too (server-everything answers 400 for sessions it no longer has)
        long deadline = System.currentTimeMillis() + 5000;
        int status;
        do {
            status = rawUpstreamPing(Peers.everythingA().url(), upA);
        } while (status == 200 && System.currentTimeMillis() < deadline && pause());
        assertThat(status).isIn(400, 404);
    }

    @Test
    void anUpstreamThatForgotTheSessionIsReinitialisedTransparently() throws Exception {
        RawMcpClient c = client();
        c.initialize("2025-11-25");
        c.request(2, "tools/call", "{\"name\":\"a_echo\",\"arguments\":{\"message\":\"one\"}}");
        UpstreamSession before = sessions.upstream(c.sessionId(), "everything-a");

        // the upstream ends the session behind the gateway's back
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(Peers.everythingA().url()))
                .header("Mcp-Session-Id", before.sessionId()).DELETE().build(), HttpResponse.BodyHandlers.discarding());

        JsonNode r = c.request(3, "tools/call", "{\"name\":\"a_echo\",\"arguments\":{\"message\":\"two\"}}");
        assertThat(r.path("result").path("content").get(0).path("text").asText()).isEqualTo("Echo: two");
        UpstreamSession after = sessions.upstream(c.sessionId(), "everything-a");
        assertThat(after.sessionId()).isNotEqualTo(before.sessionId());
    }

    @Test
    void olderProtocolRevisionsAreNegotiated() throws Exception {
        for (String v : List.of("2025-03-26", "2025-06-18", "2025-11-25")) {
            RawMcpClient c = client();
            assertThat(c.initialize(v).path("result").path("protocolVersion").asText()).isEqualTo(v);
            JsonNode r = c.request(2, "tools/call", "{\"name\":\"a_get-sum\",\"arguments\":{\"a\":1,\"b\":2}}");
            assertThat(r.path("result").path("content").get(0).path("text").asText()).contains("is 3");
        }
        RawMcpClient future = client();
        assertThat(future.initialize("2099-01-01").path("result").path("protocolVersion").asText()).isEqualTo("2025-11-25");
    }

    private static int rawUpstreamPing(String url, UpstreamSession s) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json").header("Accept", RawMcpClient.BOTH)
                .header("Mcp-Session-Id", s.sessionId()).header("MCP-Protocol-Version", s.protocolVersion())
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}")).build();
        return HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static boolean pause() throws InterruptedException {
        Thread.sleep(100);
        return true;
    }

    private static JsonNode find(JsonNode tools, String name) {
        for (JsonNode t : tools) {
            if (name.equals(t.path("name").asText())) {
                return t;
            }
        }
        throw new AssertionError("no tool " + name);
    }
}
