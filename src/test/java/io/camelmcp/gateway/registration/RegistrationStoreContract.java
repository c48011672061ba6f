package io.camelmcp.gateway.registration;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.camelmcp.gateway.registration.RegistrationStore.Outcome;

/** What every {@link RegistrationStore} must do, in memory or in Redis; only the interface is used. */
public abstract class RegistrationStoreContract {

    /** A fresh, empty store. */
    protected abstract RegistrationStore newStore();

    /** A second view of the same store (another replica); the in-memory store is its own. */
    protected RegistrationStore sameStore(RegistrationStore store) {
        return store;
    }

    /** One thread per caller: the callers wait for each other at a barrier (the common pool may have one thread). */
    private static final ExecutorService THREADS = Executors.newVirtualThreadPerTaskExecutor();

    protected static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    protected static Registration registration(String id, String name, String prefix) {
        ObjectNode metadata = JsonNodeFactory.instance.objectNode().put("team", "search");
        metadata.putArray("tags").add("a").add("b");
        return new Registration(id, name, "http://127.0.0.1:3001/mcp", prefix, "streamable-http", "/health", metadata,
                "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", T0, T0,
                JsonNodeFactory.instance.objectNode().put("maxConcurrentCalls", 20).put("requestTimeout", "90s"));
    }

    @Test
    void aRegistrationIsStoredWholeUntilRemoved() {
        RegistrationStore store = newStore();
        Registration r = registration("id-1", "search", "search_");
        assertThat(store.add(r, T0)).isEqualTo(Outcome.DONE);
        assertThat(sameStore(store).get("id-1")).isEqualTo(r);
        assertThat(store.get("id-2")).isNull();
        assertThat(store.all()).containsExactly(r);
        assertThat(store.heartbeats()).containsEntry("id-1", T0);
        assertThat(store.remove("id-1")).isTrue();
        assertThat(store.remove("id-1")).isFalse();
        assertThat(store.get("id-1")).isNull();
        assertThat(store.all()).isEmpty();
        assertThat(store.heartbeats()).isEmpty();
    }

    @Test
    void namesAndPrefixesAreUniqueAndFreedOnRemoval() {
        RegistrationStore store = newStore();
        assertThat(store.add(registration("id-1", "search", "search_"), T0)).isEqualTo(Outcome.DONE);
        assertThat(store.add(registration("id-2", "search", "other_"), T0)).isEqualTo(Outcome.NAME_TAKEN);
        assertThat(store.add(registration("id-3", "other", "search_"), T0)).isEqualTo(Outcome.PREFIX_TAKEN);
        assertThat(store.add(registration("id-4", "search", "search_"), T0)).as("name first").isEqualTo(Outcome.NAME_TAKEN);
        assertThat(store.all()).hasSize(1);
        store.remove("id-1");
        assertThat(store.add(registration("id-5", "search", "search_"), T0)).isEqualTo(Outcome.DONE);
    }

    @Test
    void replaceKeepsUniquenessAndFreesWhatItGaveUp() {
        RegistrationStore store = newStore();
        store.add(registration("id-1", "search", "search_"), T0);
        store.add(registration("id-2", "mail", "mail_"), T0);
        Registration moved = registration("id-1", "search", "find_")
                .updated("http://10.0.0.1/mcp", "find_", "streamable-http", null, null, null, T0.plusSeconds(5));
        assertThat(store.replace(moved)).isEqualTo(Outcome.DONE);
        assertThat(store.get("id-1")).isEqualTo(moved);
        assertThat(store.replace(registration("id-1", "search", "mail_"))).isEqualTo(Outcome.PREFIX_TAKEN);
        assertThat(store.replace(registration("id-1", "mail", "x_"))).isEqualTo(Outcome.NAME_TAKEN);
        assertThat(store.get("id-1")).as("a refused replace changes nothing").isEqualTo(moved);
        assertThat(store.replace(registration("id-9", "new", "new_"))).isEqualTo(Outcome.UNKNOWN);
        assertThat(store.get("id-9")).isNull();
        assertThat(store.add(registration("id-3", "other", "search_"), T0)).as("the old prefix is free")
                .isEqualTo(Outcome.DONE);
    }

    @Test
    void heartbeatsMoveForwardOnlyAndNeedARegistration() {
        RegistrationStore store = newStore();
        store.add(registration("id-1", "search", "search_"), T0);
        assertThat(store.heartbeat("id-1", T0.plusSeconds(30))).isTrue();
        assertThat(sameStore(store).heartbeats()).containsEntry("id-1", T0.plusSeconds(30));
        assertThat(store.heartbeat("id-1", T0.plusSeconds(10))).as("a late, older heartbeat").isTrue();
        assertThat(store.heartbeats()).containsEntry("id-1", T0.plusSeconds(30));
        assertThat(store.heartbeat("id-2", T0)).isFalse();
        assertThat(store.heartbeats()).doesNotContainKey("id-2");
    }

    @Test
    void theVersionChangesWithRegistrationsNotWithHeartbeats() {
        RegistrationStore store = newStore();
        long v0 = store.version();
        store.add(registration("id-1", "search", "search_"), T0);
        long v1 = store.version();
        assertThat(v1).isNotEqualTo(v0);
        store.heartbeat("id-1", T0.plusSeconds(1));
        assertThat(store.version()).isEqualTo(v1);
        store.add(registration("id-2", "search", "x_"), T0); // refused
        assertThat(store.version()).isEqualTo(v1);
        store.replace(registration("id-1", "search", "s_"));
        long v2 = store.version();
        assertThat(v2).isNotEqualTo(v1);
        store.remove("id-1");
        assertThat(sameStore(store).version()).isNotEqualTo(v2);
    }

    @Test
    void onlyAStaleRegistrationIsRemovedAndByOneCallerOnly() throws Exception {
        RegistrationStore store = newStore();
        store.add(registration("id-1", "search", "search_"), T0);
        store.add(registration("id-2", "mail", "mail_"), T0);
        store.heartbeat("id-2", T0.plus(10, ChronoUnit.MINUTES));
        Instant staleBefore = T0.plus(5, ChronoUnit.MINUTES);
        assertThat(store.removeIfStale("id-2", staleBefore)).as("it heartbeated since").isFalse();
        assertThat(store.removeIfStale("id-9", staleBefore)).isFalse();

        int callers = 8;
        CyclicBarrier start = new CyclicBarrier(callers);
        List<CompletableFuture<Boolean>> tries = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            RegistrationStore replica = sameStore(store);
            tries.add(CompletableFuture.supplyAsync(() -> {
                try {
                    start.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return replica.removeIfStale("id-1", staleBefore);
            }, THREADS));
        }
        assertThat(tries.stream().map(CompletableFuture::join).filter(b -> b)).hasSize(1);
        assertThat(store.get("id-1")).isNull();
        assertThat(store.get("id-2")).isNotNull();
        assertThat(store.add(registration("id-3", "search", "search_"), T0)).as("its name is free").isEqualTo(Outcome.DONE);
    }

    @Test
    void concurrentRegistrationsOfOneNameLeaveOne() throws Exception {
        RegistrationStore store = newStore();
        int callers = 8;
        CyclicBarrier start = new CyclicBarrier(callers);
        List<CompletableFuture<Outcome>> tries = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            RegistrationStore replica = sameStore(store);
            Registration r = registration("id-" + i, "search", "p" + i + "_");
            tries.add(CompletableFuture.supplyAsync(() -> {
                try {
                    start.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return replica.add(r, T0);
            }, THREADS));
        }
        assertThat(tries.stream().map(CompletableFuture::join).filter(o -> o == Outcome.DONE)).hasSize(1);
        assertThat(store.all()).hasSize(1);
    }
}
