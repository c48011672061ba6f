package io.camelmcp.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What every {@link SessionStore} must do, in memory or shared (a Redis subclass comes later): only the
 * interface is used, with real short TTLs, so that a store that expires entries by itself passes too.
 */
public abstract class SessionStoreContract {

    protected static final Duration TTL = Duration.ofMillis(600);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A fresh, empty store whose sessions live {@code idleTimeout} after their last use. */
    protected abstract SessionStore newStore(Duration idleTimeout);

    protected SessionStore store;
    protected final List<SessionStore.EndedSession> ended = new CopyOnWriteArrayList<>();

    @BeforeEach
    void newStoreWithListener() {
        store = newStore(TTL);
        store.onEnded(ended::add);
    }

    protected static GatewaySession session(String id) {
        return new GatewaySession(id, "2025-11-25", json("{\"elicitation\":{\"form\":{}},\"roots\":{}}"),
                json("{\"name\":\"contract\",\"version\":\"1\"}"), Instant.now().truncatedTo(ChronoUnit.MILLIS));
    }

    protected static UpstreamSession upstream(String server, String upstreamSessionId) {
        return new UpstreamSession(server, upstreamSessionId, "2025-11-25",
                json("{\"tools\":{\"listChanged\":true},\"logging\":{}}"));
    }

    /** An equal upstream session that is not the same object, as a shared store hands out. */
    protected static UpstreamSession copyOf(UpstreamSession s) {
        return new UpstreamSession(s.server(), s.sessionId(), s.protocolVersion(), s.capabilities().deepCopy());
    }

    private static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Uses the session (find) for {@code times} TTLs, more often than the TTL; fails if it ends meanwhile. */
    protected void keepActive(String id, int times) throws InterruptedException {
        long until = System.nanoTime() + TTL.toNanos() * times;
        while (System.nanoTime() - until < 0) {
            assertThat(store.find(id)).as("an active session never ends").isNotNull();
            store.purgeExpired();
            Thread.sleep(TTL.toMillis() / 8);
        }
    }

    private void awaitEnded(String id) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
            store.purgeExpired();
            return ended.stream().anyMatch(e -> e.session().id().equals(id));
        });
    }

    private long endedCount(String id) {
        return ended.stream().filter(e -> e.session().id().equals(id)).count();
    }

    @Test
    void aCreatedSessionIsFoundUntilItIsRemoved() {
        GatewaySession s = session("s1");
        store.create(s);
        assertThat(store.find("s1")).isEqualTo(s);
        assertThat(store.find("unknown")).isNull();

        assertThat(store.remove("s1")).isTrue();
        assertThat(store.find("s1")).isNull();
        assertThat(store.remove("s1")).isFalse();
        assertThat(ended).singleElement().satisfies(e -> {
            assertThat(e.session()).isEqualTo(s);
            assertThat(e.expired()).isFalse();
        });
    }

    @Test
    void findingASessionRefreshesItsTtl() throws Exception {
        store.create(session("s1"));
        keepActive("s1", 3);
        assertThat(ended).isEmpty();
    }

    @Test
    void touchingASessionRefreshesItsTtl() throws Exception {
        store.create(session("s1"));
        long until = System.nanoTime() + TTL.toNanos() * 3;
        while (System.nanoTime() - until < 0) {
            assertThat(store.touch("s1")).isTrue();
            Thread.sleep(TTL.toMillis() / 8);
        }
        assertThat(store.find("s1")).isNotNull();
        assertThat(store.touch("unknown")).isFalse();
    }

    @Test
    void anIdleSessionExpiresAndIsReportedOnceWithItsUpstreamSessions() throws Exception {
        GatewaySession s = session("s1");
        store.create(s);
        store.create(session("s2"));
        UpstreamSession a = upstream("a", "up-a");
        UpstreamSession b = upstream("b", null); // a server without sessions
        store.putUpstreamIfAbsent("s1", a);
        store.putUpstreamIfAbsent("s1", b);

        awaitEnded("s1");
        assertThat(store.find("s1")).isNull();
        assertThat(store.touch("s1")).isFalse();
        assertThat(store.upstream("s1", "a")).isNull();
        assertThat(store.upstreams("s1")).isEmpty();
        SessionStore.EndedSession e = ended.stream().filter(x -> x.session().id().equals("s1")).findFirst().orElseThrow();
        assertThat(e.session()).isEqualTo(s);
        assertThat(e.upstreams()).containsExactlyInAnyOrder(a, b);
        assertThat(e.expired()).isTrue();

        Thread.sleep(TTL.toMillis());
        store.purgeExpired();
        assertThat(endedCount("s1")).as("an end is reported once").isEqualTo(1);
        assertThat(store.remove("s1")).isFalse();
    }

    @Test
    void aSessionFoundExpiredIsGoneAndReported() throws Exception {
        store.create(session("s1"));
        Thread.sleep(TTL.toMillis() * 2);
        assertThat(store.find("s1")).isNull();
        awaitEnded("s1");
        assertThat(endedCount("s1")).isEqualTo(1);
    }

    @Test
    void theFirstUpstreamSessionWithAServerIsKept() {
        store.create(session("s1"));
        UpstreamSession first = upstream("a", "up-1");
        assertThat(store.putUpstreamIfAbsent("s1", first)).isSameAs(first);
        assertThat(store.putUpstreamIfAbsent("s1", upstream("a", "up-2"))).isEqualTo(first);
        assertThat(store.upstream("s1", "a")).isEqualTo(first);

        UpstreamSession other = upstream("b", "up-3");
        assertThat(store.putUpstreamIfAbsent("s1", other)).isSameAs(other);
        assertThat(store.upstreams("s1")).containsExactlyInAnyOrder(first, other);
        assertThat(store.upstream("s1", "c")).isNull();
    }

    @Test
    void anUpstreamSessionOfAnEndedOrUnknownSessionIsRefused() {
        assertThat(store.putUpstreamIfAbsent("unknown", upstream("a", "up-1"))).isNull();
        store.create(session("s1"));
        store.remove("s1");
        assertThat(store.putUpstreamIfAbsent("s1", upstream("a", "up-1"))).isNull();
        assertThat(store.upstreams("s1")).isEmpty();
        assertThat(store.replaceUpstream("s1", upstream("a", "up-1"), upstream("a", "up-2"))).isFalse();
        assertThat(store.removeUpstream("s1", upstream("a", "up-1"))).isFalse();
    }

    @Test
    void twoRequestsOpeningAnUpstreamSessionAtOnceAgreeOnOne() throws Exception {
        for (int i = 0; i < 50; i++) {
            String id = "s" + i;
            store.create(session(id));
            CyclicBarrier start = new CyclicBarrier(2);
            CompletableFuture<UpstreamSession> one = CompletableFuture.supplyAsync(() -> put(start, id, "up-1"));
            CompletableFuture<UpstreamSession> two = CompletableFuture.supplyAsync(() -> put(start, id, "up-2"));
            UpstreamSession winner = one.get();
            assertThat(two.get()).isEqualTo(winner);
            assertThat(store.upstream(id, "a")).isEqualTo(winner);
        }
    }

    private UpstreamSession put(CyclicBarrier start, String id, String upstreamId) {
        try {
            start.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return store.putUpstreamIfAbsent(id, upstream("a", upstreamId));
    }

    @Test
    void anUpstreamSessionIsReplacedOnlyIfItIsStillTheExpectedOneByValue() {
        store.create(session("s1"));
        UpstreamSession first = upstream("a", "up-1");
        store.putUpstreamIfAbsent("s1", first);
        UpstreamSession second = upstream("a", "up-2");
        assertThat(store.replaceUpstream("s1", copyOf(first), second)).isTrue();
        assertThat(store.upstream("s1", "a")).isEqualTo(second);

        // a request that still holds the first one comes too late: the second stays
        assertThat(store.replaceUpstream("s1", first, upstream("a", "up-3"))).isFalse();
        assertThat(store.upstream("s1", "a")).isEqualTo(second);
        assertThat(store.replaceUpstream("s1", upstream("b", "up-4"), upstream("b", "up-5"))).isFalse();
        assertThat(store.upstream("s1", "b")).isNull();
    }

    @Test
    void anUpstreamSessionIsRemovedOnlyIfItIsStillTheExpectedOneByValue() {
        store.create(session("s1"));
        UpstreamSession current = upstream("a", "up-2");
        store.putUpstreamIfAbsent("s1", current);
        assertThat(store.removeUpstream("s1", upstream("a", "up-1"))).isFalse();
        assertThat(store.upstream("s1", "a")).isEqualTo(current);
        assertThat(store.removeUpstream("s1", copyOf(current))).isTrue();
        assertThat(store.upstream("s1", "a")).isNull();
        assertThat(store.removeUpstream("s1", current)).isFalse();
        assertThat(store.find("s1")).as("the gateway session stays").isNotNull();
    }

    @Test
    void aRemovedSessionIsReportedWithItsUpstreamSessions() {
        store.create(session("s1"));
        UpstreamSession a = upstream("a", "up-1");
        store.putUpstreamIfAbsent("s1", a);
        assertThat(store.remove("s1")).isTrue();
        assertThat(store.upstream("s1", "a")).isNull();
        assertThat(ended).singleElement().satisfies(e -> assertThat(e.upstreams()).containsExactly(a));
    }

    @Test
    void theLoggingLevelLivesAsLongAsTheSession() throws Exception {
        store.create(session("s1"));
        assertThat(store.loggingLevel("s1")).isNull();
        assertThat(store.setLoggingLevel("s1", "error")).isTrue();
        assertThat(store.loggingLevel("s1")).isEqualTo("error");

        keepActive("s1", 3); // longer than the idle TTL, in use all along
        assertThat(store.loggingLevel("s1")).isEqualTo("error");
        assertThat(store.setLoggingLevel("s1", "debug")).isTrue();
        assertThat(store.loggingLevel("s1")).isEqualTo("debug");

        store.remove("s1");
        assertThat(store.loggingLevel("s1")).isNull();
        assertThat(store.setLoggingLevel("s1", "info")).isFalse();
        assertThat(store.setLoggingLevel("unknown", "info")).isFalse();
    }

    @Test
    void theLoggingLevelEndsWithAnExpiredSession() {
        store.create(session("s1"));
        store.setLoggingLevel("s1", "error");
        awaitEnded("s1");
        assertThat(store.loggingLevel("s1")).isNull();
    }

    @Test
    void theSelectedToolsLiveAsLongAsTheSession() throws Exception {
        store.create(session("s1"));
        assertThat(store.selectedTools("s1")).isEmpty();
        assertThat(store.setSelectedTools("s1", List.of("e_get-sum", "gh_create_issue"))).isTrue();
        assertThat(store.selectedTools("s1")).containsExactly("e_get-sum", "gh_create_issue");

        keepActive("s1", 3); // longer than the idle TTL, in use all along
        assertThat(store.selectedTools("s1")).containsExactly("e_get-sum", "gh_create_issue");
        // a new selection replaces the old one, in its own order; empty clears it
        assertThat(store.setSelectedTools("s1", List.of("wx_forecast", "e_get-sum"))).isTrue();
        assertThat(store.selectedTools("s1")).containsExactly("wx_forecast", "e_get-sum");
        assertThat(store.setSelectedTools("s1", List.of())).isTrue();
        assertThat(store.selectedTools("s1")).isEmpty();

        store.setSelectedTools("s1", List.of("e_get-sum"));
        store.remove("s1");
        assertThat(store.selectedTools("s1")).isEmpty();
        assertThat(store.setSelectedTools("s1", List.of("e_get-sum"))).isFalse();
        assertThat(store.setSelectedTools("unknown", List.of("e_get-sum"))).isFalse();
    }

    @Test
    void theSelectedToolsEndWithAnExpiredSession() {
        store.create(session("s1"));
        store.setSelectedTools("s1", List.of("e_get-sum"));
        awaitEnded("s1");
        assertThat(store.selectedTools("s1")).isEmpty();
    }

    @Test
    void sessionsDoNotShareWhatTheyHold() {
        store.create(session("s1"));
        store.create(session("s2"));
        store.putUpstreamIfAbsent("s1", upstream("a", "up-1"));
        store.setLoggingLevel("s1", "error");
        store.setSelectedTools("s1", List.of("e_get-sum"));
        assertThat(store.upstream("s2", "a")).isNull();
        assertThat(store.upstreams("s2")).isEmpty();
        assertThat(store.loggingLevel("s2")).isNull();
        assertThat(store.selectedTools("s2")).isEmpty();
        store.remove("s1");
        assertThat(store.find("s2")).isNotNull();
    }

    // the per-client limit (mcp.gateway.max-sessions-per-client)

    @Test
    void aClientsSessionBeyondItsLimitIsRefusedAndNotCreated() {
        for (int i = 1; i <= 3; i++) {
            assertThat(store.create(session("c" + i), "client-a", 3)).as("session %d of 3", i).isNull();
        }
        Duration retryAfter = store.create(session("c4"), "client-a", 3);
        assertThat(retryAfter).as("refused, with the time until a slot frees itself").isNotNull()
                .isBetween(Duration.ZERO, TTL);
        assertThat(store.find("c4")).isNull();
        assertThat(store.find("c1")).isNotNull();
        // another client, and sessions counted for nobody, are not affected
        assertThat(store.create(session("d1"), "client-b", 3)).isNull();
        store.create(session("u1"));
        assertThat(store.find("u1")).isNotNull();
        assertThat(store.create(session("c5"), "client-a", 0)).as("0: no limit").isNull();
    }

    @Test
    void endingASessionFreesItsClientsSlot() {
        store.create(session("c1"), "client-a", 2);
        store.create(session("c2"), "client-a", 2);
        assertThat(store.create(session("c3"), "client-a", 2)).isNotNull();
        assertThat(store.remove("c1")).isTrue();
        assertThat(store.create(session("c3"), "client-a", 2)).isNull();
        assertThat(store.find("c3")).isNotNull();
        assertThat(store.create(session("c4"), "client-a", 2)).isNotNull();
    }

    @Test
    void expiredSessionsDoNotCountEvenBeforeTheSweep() throws Exception {
        store.create(session("c1"), "client-a", 2);
        store.create(session("c2"), "client-a", 2);
        Thread.sleep(TTL.toMillis() + 100);
        assertThat(store.create(session("c3"), "client-a", 2)).isNull();
        assertThat(store.create(session("c4"), "client-a", 2)).isNull();
        assertThat(store.create(session("c5"), "client-a", 2)).isNotNull();
        awaitEnded("c1"); // the sweep still ends the expired ones, once
        awaitEnded("c2");
    }

    @Test
    void aSessionInUseKeepsCountingAndTheWaitIsUntilTheNearestDeadline() throws Exception {
        store.create(session("c1"), "client-a", 2);
        Thread.sleep(TTL.toMillis() / 2);
        store.create(session("c2"), "client-a", 2);
        Duration wait = store.create(session("c3"), "client-a", 2);
        assertThat(wait).as("c1's deadline, half a TTL away").isNotNull().isLessThan(TTL.minusMillis(TTL.toMillis() / 4));
        keepActive("c1", 2); // c2 expires meanwhile, c1 lives on
        assertThat(store.create(session("c3"), "client-a", 1)).as("c1 still counts").isNotNull();
        assertThat(store.create(session("c3"), "client-a", 2)).as("c2 no longer does").isNull();
    }

    @Test
    void concurrentInitializesOfOneClientNeverExceedItsLimit() throws Exception {
        int n = 8;
        CyclicBarrier start = new CyclicBarrier(n);
        List<CompletableFuture<Duration>> all = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = "c" + i;
            all.add(CompletableFuture.supplyAsync(() -> {
                try {
                    start.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return store.create(session(id), "client-a", 3);
            }, java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()));
        }
        long created = all.stream().map(CompletableFuture::join).filter(java.util.Objects::isNull).count();
        assertThat(created).isEqualTo(3);
    }
}
