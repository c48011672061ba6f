package io.camelmcp.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import com.fasterxml.jackson.databind.JsonNode;

import io.camelmcp.gateway.GatewayApplication;
import io.camelmcp.gateway.support.ClientDriver;
import io.camelmcp.gateway.support.FixtureServer;
import io.camelmcp.gateway.support.FixtureServer.Received;
import io.camelmcp.gateway.support.Peers;
import io.camelmcp.gateway.support.RawMcpClient;
import io.camelmcp.gateway.support.RedisServer;
import io.camelmcp.gateway.support.StatelessRequests;
import io.camelmcp.gateway.support.ServerEverything;

/**
 * Several replicas of the gateway sharing one Redis session store (mcp.gateway.store=redis), with no session
 * affinity: two gateway instances in this JVM on their own ports, the same redis-server of this test's own (so it can
 * be killed) and the same upstreams, two server-everything (a_, b_) and an in-process fixture (c_) that records every
 * request it gets (how many initialize, which notifications/cancelled). A client may send each request of its session
 * to either replica; a replica may stop; Redis may go away and come back; an idle session expires at every replica.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicasTest {

    private static final String VERSION = "2025-11-25";
    private static final String PING = "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"ping\"}";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private RedisServer redis;
    private FixtureServer fixture;
    private Replica a;
    private Replica b;

    /** One gateway instance: its context and its /mcp. */
    record Replica(ConfigurableApplicationContext context, int port) implements AutoCloseable {
        String mcp() { return "http://127.0.0.1:" + port + "/mcp"; }

        String base() { return "http://127.0.0.1:" + port; }

        RawMcpClient client() { return new RawMcpClient(mcp()); }

        @Override
        public void close() { context.close(); }
    }

    @BeforeAll
    void start() throws Exception {
        Peers.everythingA();
        redis = RedisServer.start();
        fixture = FixtureServer.builder("fixture-c").recordingBodies()
                .tool("echo", args -> "c says " + args.get("text"))
                .progressTool("slow", 20, 250)
                .start();
        a = replica();
        b = replica();
    }

    @AfterAll
    void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {a, b, fixture, redis}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // best effort
                }
            }
        }
    }

    private Replica replica(String... extra) throws Exception {
        Replica r = started(replicaArgs(extra));
        // ready: readiness UP (registry discovered, store reachable) and the endpoint's route answering
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> readiness(r).statusCode() == 200);
        return r;
    }

    private List<String> replicaArgs(String... extra) throws Exception {
        int port = ServerEverything.freePort();
        List<String> args = new ArrayList<>(List.of(
                "--server.port=" + port,
                "--spring.jmx.enabled=false",
                "--mcp.gateway.demo.enabled=false",
                "--mcp.gateway.store=redis",
                "--spring.data.redis.url=" + redis.url(),
                "--mcp.gateway.servers[0].name=everything-a",
                "--mcp.gateway.servers[0].url=" + Peers.everythingA().url(),
                "--mcp.gateway.servers[0].prefix=a_",
                "--mcp.gateway.servers[1].name=everything-b",
                "--mcp.gateway.servers[1].url=" + Peers.everythingB().url(),
                "--mcp.gateway.servers[1].prefix=b_",
                "--mcp.gateway.servers[2].name=fixture-c",
                "--mcp.gateway.servers[2].url=" + fixture.url(),
                "--mcp.gateway.servers[2].prefix=c_"));
        args.addAll(List.of(extra));
        return args;
    }

    private static Replica started(List<String> args) {
        int port = Integer.parseInt(args.get(0).substring("--server.port=".length()));
        return new Replica(new SpringApplicationBuilder(GatewayApplication.class).run(args.toArray(String[]::new)), port);
    }

    private HttpResponse<String> readiness(Replica r) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(r.base() + "/actuator/health/readiness"))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static RawMcpClient at(Replica r, String sessionId) {
        RawMcpClient c = r.client();
        c.sessionId(sessionId);
        return c;
    }

    private static String text(JsonNode callResponse) {
        return StreamSupport.stream(callResponse.path("result").path("content").spliterator(), false)
                .map(n -> n.path("text").asText()).collect(Collectors.joining("\n"));
    }

    private static List<JsonNode> entries(JsonNode log, Predicate<JsonNode> p) {
        return StreamSupport.stream(log.spliterator(), false).filter(p).toList();
    }

    /**
     * The initialize requests the fixture received since {@code from} on behalf of the client named {@code client}
     * (the gateway passes its client's clientInfo on; its own discovery sessions name the gateway).
     */
    private List<Received> initializesFor(int from, String client) {
        return fixtureSince(from, "initialize").stream()
                .filter(r -> client.equals(r.body().path("params").path("clientInfo").path("name").asText())).toList();
    }

    private List<Received> fixtureSince(int from, String method) {
        List<Received> all = fixture.received();
        return all.subList(Math.min(from, all.size()), all.size()).stream().filter(r -> r.method().equals(method)).toList();
    }

    // ---------------------------------------------------------------------------------------------------------------

    /**
     * The official SDK client plays a whole session against both replicas: initialize at A, then requests alternate,
     * the answer to an elicitation goes to the replica that does not carry the call, a cancellation too, and DELETE
     * goes to B. Every request is served; the upstreams see one session per client session, whichever replica sent.
     */
    @Test
    @Order(1)
    void aSessionAlternatingBetweenTheReplicasLosesNothing() throws Exception {
        int seen = fixture.received().size();
        JsonNode r = ClientDriver.runReplicas(a.mcp(), b.mcp(), "session",
                Map.of("ECHO_TOOL", "a_echo", "PROGRESS_TOOL", "b_trigger-long-running-operation",
                        "ELICIT_TOOL", "a_trigger-elicitation-request", "CANCEL_TOOL", "c_slow", "CANCEL_ARGS", "{}"));
        assertThat(r.path("ok").asBoolean()).as("driver: %s", r).isTrue();
        JsonNode log = r.path("log");
        JsonNode steps = r.path("steps");

        // every request was served (no 4xx/5xx, no transport error), and both replicas served tools/call
        for (JsonNode e : log) {
            assertThat(e.has("error")).as("request failed: %s", e).isFalse();
            assertThat(e.path("status").asInt()).as("%s", e).isIn(200, 202);
        }
        JsonNode init = entries(log, e -> "initialize".equals(e.path("method").asText())).get(0);
        assertThat(init.path("replica").asText()).isEqualTo("A");
        assertThat(entries(log, e -> "tools/call".equals(e.path("method").asText())).stream()
                .map(e -> e.path("replica").asText()).collect(Collectors.toSet())).isEqualTo(Set.of("A", "B"));
        assertThat(entries(log, e -> "POST".equals(e.path("http").asText()) && !"initialize".equals(e.path("method").asText()))
                .stream().map(e -> e.path("replica").asText()).collect(Collectors.toSet())).isEqualTo(Set.of("A", "B"));
        assertThat(r.path("tools").toString()).contains("a_echo", "b_trigger-long-running-operation", "c_slow");

        assertThat(steps.path("echo").path("text").asText()).isEqualTo("Echo: hello replicas");
        assertThat(steps.path("progress").path("progress").size()).as("progress: %s", steps.path("progress")).isEqualTo(4);
        assertThat(steps.path("progress").path("text").asText()).contains("Long running operation completed");

        // the elicitation's answer went to the replica that did not carry the call, and reached the upstream
        JsonNode elicit = steps.path("elicit");
        assertThat(elicit.path("answers").size()).as("elicit: %s", elicit).isEqualTo(1);
        JsonNode answer = elicit.path("answers").get(0);
        assertThat(answer.path("replica").asText()).as("elicit: %s", elicit)
                .isNotEqualTo(elicit.path("call").path("replica").asText());
        assertThat(answer.path("status").asInt()).isEqualTo(202);
        assertThat(elicit.path("text").asText()).contains("driver-answer-1");

        // the cancellation went to the other replica than the call's, and reached the upstream
        JsonNode cancel = steps.path("cancel");
        assertThat(cancel.path("rejected").asBoolean()).as("cancel: %s", cancel).isTrue();
        assertThat(cancel.path("progressCount").asInt()).isEqualTo(2);
        assertThat(cancel.path("cancels").size()).isEqualTo(1);
        JsonNode cancelled = cancel.path("cancels").get(0);
        assertThat(cancelled.path("replica").asText()).as("cancel: %s", cancel)
                .isNotEqualTo(cancel.path("call").path("replica").asText());
        assertThat(cancelled.path("status").asInt()).isEqualTo(202);
        assertThat(cancel.path("pingAfterCancel").asText()).isEqualTo("ok");
        List<Received> slowCalls = fixtureSince(seen, "tools/call").stream()
                .filter(c -> "slow".equals(c.body().path("params").path("name").asText())).toList();
        assertThat(slowCalls).hasSize(1);
        JsonNode upstreamCallId = slowCalls.get(0).body().path("id");
        Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(fixtureSince(seen, "notifications/cancelled").stream()
                        .map(c -> c.body().path("params").path("requestId")).toList())
                        .as("the upstream got notifications/cancelled for its call %s", upstreamCallId)
                        .contains(upstreamCallId));

        // one upstream session with the fixture for the whole client session, whichever replica sent
        List<Received> inits = initializesFor(seen, "camel-mcp-gateway-replicas-driver");
        assertThat(inits).as("initialize the fixture received for the driver's session").hasSize(1);
        String upstream = inits.get(0).answeredSession();
        assertThat(upstream).isNotNull();
        assertThat(fixtureSince(seen, "tools/call")).allSatisfy(c -> assertThat(c.session()).isEqualTo(upstream));

        // DELETE at B (initialize was at A) ends the session at both replicas, and its upstream sessions
        JsonNode delete = steps.path("delete");
        assertThat(delete.path("delete").path("replica").asText()).isEqualTo("B");
        assertThat(delete.path("delete").path("status").asInt()).isEqualTo(200);
        assertThat(delete.path("afterDelete").path("A").path("status").asInt()).as("%s", delete).isEqualTo(404);
        assertThat(delete.path("afterDelete").path("B").path("status").asInt()).as("%s", delete).isEqualTo(404);
        for (Replica each : List.of(a, b)) {
            assertThat(at(each, r.path("sessionId").asText()).post(PING.formatted(9), Map.of()).statusCode()).isEqualTo(404);
        }
        Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(fixtureSince(seen, "DELETE")).extracting(Received::session).contains(upstream));
    }

    /**
     * A replica stops (its context closed, as in a rolling update) in the middle of a session: the session goes on at
     * the other replica with the same Mcp-Session-Id and the same upstream sessions (no new initialize, no DELETE), and a
     * replica started afterwards serves it too.
     */
    @Test
    @Order(2)
    void aReplicaStoppingMidSessionLosesNothing() throws Exception {
        RawMcpClient atA = a.client();
        atA.initialize(VERSION);
        String session = atA.sessionId();
        int seen = fixture.received().size();
        JsonNode tools = atA.request(2, "tools/list", "{}");
        assertThat(tools.toString()).contains("a_echo", "c_echo");
        JsonNode first = atA.request(3, "tools/call", "{\"name\":\"c_echo\",\"arguments\":{\"text\":\"one\"}}");
        assertThat(text(first)).isEqualTo("c says one");
        List<Received> inits = initializesFor(seen, "raw-test");
        assertThat(inits).hasSize(1);
        String upstream = inits.get(0).answeredSession();

        a.close(); // replica A goes away
        int afterStop = fixture.received().size();
        try {
            RawMcpClient atB = at(b, session);
            JsonNode second = atB.request(4, "tools/call", "{\"name\":\"c_echo\",\"arguments\":{\"text\":\"two\"}}");
            assertThat(text(second)).as("%s", second).isEqualTo("c says two");
            JsonNode echo = atB.request(5, "tools/call", "{\"name\":\"a_echo\",\"arguments\":{\"message\":\"three\"}}");
            assertThat(text(echo)).as("%s", echo).isEqualTo("Echo: three");
            assertThat(atB.request(6, "tools/list", "{}").toString()).contains("b_echo", "c_slow");

            // the fixture's session was not opened again, nor ended by the stopping replica
            assertThat(initializesFor(seen, "raw-test")).as("initialize the fixture received for the session").hasSize(1);
            assertThat(fixtureSince(afterStop, "tools/call")).hasSize(1)
                    .allSatisfy(c -> assertThat(c.session()).isEqualTo(upstream));
            assertThat(fixtureSince(seen, "DELETE")).extracting(Received::session).doesNotContain(upstream);
        } finally {
            a = replica(); // a fresh replica, which never saw the session
        }
        RawMcpClient atNewA = at(a, session);
        JsonNode third = atNewA.request(7, "tools/call", "{\"name\":\"c_echo\",\"arguments\":{\"text\":\"four\"}}");
        assertThat(text(third)).as("%s", third).isEqualTo("c says four");
        assertThat(initializesFor(seen, "raw-test")).as("initialize the fixture received for the session").hasSize(1);
        assertThat(atNewA.send("DELETE", Map.of()).statusCode()).isEqualTo(200);
        assertThat(at(b, session).post(PING.formatted(8), Map.of()).statusCode()).isEqualTo(404);
    }

    /**
     * Redis goes away: requests that need it fail within a second with 503 and a JSON-RPC error naming the session
     * store, readiness is DOWN at every replica. Redis comes back (empty: no persistence): the replicas recover by
     * themselves, the lost session is 404, a new one works across replicas, elicitation answers included.
     */
    @Test
    @Order(3)
    void redisGoingAwayIsA503AndReadinessDownUntilItIsBack() throws Exception {
        RawMcpClient atA = a.client();
        atA.initialize(VERSION);
        String session = atA.sessionId();
        assertThat(at(b, session).request(2, "tools/list", "{}").toString()).contains("a_echo");

        redis.kill();
        long slowest = 0;
        try {
            int id = 10;
            for (Replica each : List.of(a, b, a, b)) {
                for (String body : List.of(PING.formatted(id++),
                        "{\"jsonrpc\":\"2.0\",\"id\":" + id++ + ",\"method\":\"tools/list\",\"params\":{}}")) {
                    long t0 = System.nanoTime();
                    HttpResponse<String> res = at(each, session).post(body, Map.of());
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    assertThat(res.statusCode()).as("%s at %s: %s", body, each.port(), res.body()).isEqualTo(503);
                    assertThat(ms).as("503 took %d ms", ms).isLessThanOrEqualTo(1000);
                    slowest = Math.max(slowest, ms);
                    assertStoreError(res);
                }
            }
            // a new session needs the store as well
            long t0 = System.nanoTime();
            HttpResponse<String> init = b.client().post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
                    + "{\"protocolVersion\":\"" + VERSION + "\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}",
                    Map.of());
            assertThat(init.statusCode()).as(init.body()).isEqualTo(503);
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThanOrEqualTo(1000);
            assertStoreError(init);
            System.out.println("ReplicasTest: with Redis down, the slowest 503 took " + slowest + " ms");

            for (Replica each : List.of(a, b)) {
                Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                    HttpResponse<String> ready = readiness(each);
                    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
                    JsonNode health = RawMcpClient.JSON.readTree(ready.body());
                    assertThat(health.path("status").asText()).isEqualTo("DOWN");
                    assertThat(health.path("components").path("sessionStore").path("status").asText())
                            .as(ready.body()).isEqualTo("DOWN");
                });
            }
        } finally {
            redis.restart(); // empty
        }

        long t0 = System.nanoTime();
        for (Replica each : List.of(a, b)) {
            Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                HttpResponse<String> ready = readiness(each);
                assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
                assertThat(RawMcpClient.JSON.readTree(ready.body()).path("components").path("sessionStore")
                        .path("status").asText()).isEqualTo("UP");
            });
        }
        System.out.println("ReplicasTest: both replicas ready " + (System.nanoTime() - t0) / 1_000_000
                + " ms after Redis restarted");

        // the session was in the Redis that went away
        assertThat(at(a, session).post(PING.formatted(30), Map.of()).statusCode()).isEqualTo(404);
        assertThat(at(b, session).post(PING.formatted(31), Map.of()).statusCode()).isEqualTo(404);
        RawMcpClient fresh = b.client();
        fresh.initialize(VERSION);
        JsonNode echo = at(a, fresh.sessionId()).request(2, "tools/call", "{\"name\":\"a_echo\",\"arguments\":{\"message\":\"back\"}}");
        assertThat(text(echo)).as("%s", echo).isEqualTo("Echo: back");
        // the replicas' pub/sub is back too: a DELETE at B ends the GET stream the client holds at A
        deleteEndsTheStreamAtTheOtherReplica(fresh.sessionId(), a, b);

        // what goes between the replicas works again: an elicitation answered at the other replica
        JsonNode r = ClientDriver.runReplicas(a.mcp(), b.mcp(), "elicit", Map.of("ELICIT_TOOL", "b_trigger-elicitation-request"));
        assertThat(r.path("ok").asBoolean()).as("driver: %s", r).isTrue();
        JsonNode elicit = r.path("steps").path("elicit");
        assertThat(elicit.path("answers").get(0).path("replica").asText())
                .isNotEqualTo(elicit.path("call").path("replica").asText());
        assertThat(elicit.path("text").asText()).contains("driver-answer-1");
    }

    /** The client holds its GET stream at {@code holder}; a DELETE at {@code other} ends it (the replicas' pub/sub). */
    private static void deleteEndsTheStreamAtTheOtherReplica(String session, Replica holder, Replica other) throws Exception {
        HttpResponse<java.io.InputStream> stream = at(holder, session).openGet(Map.of("Accept", "text/event-stream"));
        assertThat(stream.statusCode()).isEqualTo(200);
        java.util.concurrent.CompletableFuture<Void> streamEnded = java.util.concurrent.CompletableFuture.runAsync(() -> {
            try (java.io.InputStream in = stream.body()) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            } catch (java.io.IOException ignored) {
                // ended
            }
        });
        assertThat(at(other, session).send("DELETE", Map.of()).statusCode()).isEqualTo(200);
        streamEnded.get(5, java.util.concurrent.TimeUnit.SECONDS);
    }

    private static void assertStoreError(HttpResponse<String> res) throws Exception {
        JsonNode body = RawMcpClient.JSON.readTree(res.body());
        assertThat(body.path("jsonrpc").asText()).as(res.body()).isEqualTo("2.0");
        assertThat(body.path("error").isObject()).as(res.body()).isTrue();
        assertThat(body.path("error").path("message").asText()).as(res.body())
                .containsIgnoringCase("session store").containsIgnoringCase("redis");
    }

    /**
     * mcp.gateway.session-idle-timeout: a session in use lives on past it; left idle for longer, it has expired at
     * every replica (404), not only at the one that last served it.
     */
    @Test
    @Order(4)
    void anIdleSessionExpiresAtEveryReplica() throws Exception {
        try (Replica shortLived = replica("--mcp.gateway.session-idle-timeout=2s")) {
            RawMcpClient c = shortLived.client();
            c.initialize(VERSION);
            // in use for twice the idle timeout: still there
            long until = System.nanoTime() + Duration.ofSeconds(4).toNanos();
            int id = 2;
            while (System.nanoTime() < until) {
                HttpResponse<String> ping = c.post(PING.formatted(id++), Map.of());
                assertThat(ping.statusCode()).as("a session in use: %s", ping.body()).isEqualTo(200);
                Thread.sleep(500);
            }
            Thread.sleep(3500); // idle for longer than the timeout
            HttpResponse<String> expired = c.post(PING.formatted(id++), Map.of());
            assertThat(expired.statusCode()).as(expired.body()).isEqualTo(404);
            assertThat(at(a, c.sessionId()).post(PING.formatted(id++), Map.of()).statusCode()).isEqualTo(404);
            assertThat(at(b, c.sessionId()).post(PING.formatted(id), Map.of()).statusCode()).isEqualTo(404);
        }
    }

    /**
     * A 2026-07-28 client has no session and no affinity: its call starts at A, where the upstream's elicitation becomes
     * an InputRequiredResult; the retry with the answer reaches B, which hands it to A over the bus, and the call's
     * result comes back through B. A replay of the spent state at A is refused.
     */
    @Test
    @Order(4)
    void aStatelessClientsRetryMayReachTheOtherReplica() throws Exception {
        String caps = "{\"elicitation\":{\"form\":{}}}";
        String call = "{\"name\":\"b_trigger-elicitation-request\",\"arguments\":{}}";
        JsonNode first = StatelessRequests.last(StatelessRequests.post(a.mcp(), 1, "tools/call", call, caps, Map.of()));
        assertThat(first.path("result").path("resultType").asText()).as("%s", first).isEqualTo("input_required");
        String key = first.path("result").path("inputRequests").fieldNames().next();
        String state = first.path("result").path("requestState").asText();
        String answer = "{\"" + key + "\":{\"action\":\"accept\",\"content\":{\"name\":\"Grace\",\"check\":true,"
                + "\"email\":\"grace@example.com\",\"integer\":3}}}";
        HttpResponse<String> atB = StatelessRequests.post(b.mcp(), 2, "tools/call", StatelessRequests.retry(call, state, answer),
                caps, Map.of());
        JsonNode done = StatelessRequests.last(atB);
        assertThat(done.path("id").asInt()).isEqualTo(2);
        assertThat(done.path("result").path("resultType").asText()).as("%s", done).isEqualTo("complete");
        assertThat(done.path("result").path("content").toString()).contains("Grace");
        HttpResponse<String> replay = StatelessRequests.post(a.mcp(), 3, "tools/call",
                StatelessRequests.retry(call, state, answer), caps, Map.of());
        assertThat(replay.statusCode()).isEqualTo(400);
    }

    /**
     * A replica that starts while Redis is away (or answers its first connection too slowly, as on a loaded machine)
     * still starts, not ready; once Redis is there it is ready and the replicas' pub/sub reaches it: its Redis
     * subscription is retried by Camel's supervising route controller instead of failing the start.
     */
    @Test
    @Order(5)
    void aReplicaStartedWhileRedisIsAwayJoinsOnceRedisIsThere() throws Exception {
        redis.kill();
        Replica late;
        try {
            late = started(replicaArgs());
            assertThat(readiness(late).statusCode()).isEqualTo(503);
        } finally {
            redis.restart();
        }
        try (late) {
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> readiness(late).statusCode() == 200);
            Awaitility.await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(
                    () -> deleteEndsTheStreamAtTheOtherReplica(newSession(), late, a));
        }
    }

    private String newSession() throws Exception {
        RawMcpClient c = a.client();
        c.initialize(VERSION);
        return c.sessionId();
    }
}
