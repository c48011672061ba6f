package io.camelmcp.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * What every {@link ExpiringStore} must do, in memory or shared (a Redis subclass comes later): only the
 * interface is used, with the gateway's own key and value types and real short TTLs.
 */
public abstract class ExpiringStoreContract {

    protected static final Duration TTL = Duration.ofMillis(500);
    protected static final Duration LONG = Duration.ofMinutes(5);

    /**
     * A fresh, empty store; stores of different names are distinct even where their key and value types are
     * the same (a shared store keeps them apart by name).
     */
    protected abstract <K, V> ExpiringStore<K, V> newStore(String name, Class<K> keyType, Class<V> valueType);

    private ExpiringStore<ServerRequestKey, PendingRequest> pending() {
        return newStore("pending", ServerRequestKey.class, PendingRequest.class);
    }

    private static PendingRequest pending(String session, JsonNode upstreamId) {
        return new PendingRequest(session, "everything", upstreamId, "elicitation/create");
    }

    private static void sleep(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }

    @Test
    void aValueIsThereUntilRemoved() {
        ExpiringStore<ServerRequestKey, PendingRequest> store = pending();
        ServerRequestKey key = new ServerRequestKey("s1", "gw-1");
        PendingRequest value = pending("s1", IntNode.valueOf(7));
        assertThat(store.put(key, value, LONG)).isNull();
        assertThat(store.get(key)).isEqualTo(value);
        assertThat(store.get(new ServerRequestKey("s1", "gw-1"))).as("keys compare by value").isEqualTo(value);
        assertThat(store.get(new ServerRequestKey("s2", "gw-1"))).isNull();
        store.remove(key);
        assertThat(store.get(key)).isNull();
        store.remove(key); // removing an unknown key is no error
    }

    @Test
    void putReturnsTheLiveValueItReplaced() throws Exception {
        ExpiringStore<TaskKey, String> owners = newStore("tasks", TaskKey.class, String.class);
        TaskKey task = new TaskKey("s1", "task-1");
        assertThat(owners.put(task, "a", LONG)).isNull();
        assertThat(owners.put(task, "b", TTL)).isEqualTo("a");
        assertThat(owners.get(task)).isEqualTo("b");
        sleep(TTL.multipliedBy(2));
        assertThat(owners.put(task, "c", LONG)).as("an expired value is not returned").isNull();
        assertThat(owners.get(task)).isEqualTo("c");
    }

    @Test
    void aValueIsGoneAfterItsTtl() throws Exception {
        ExpiringStore<ServerRequestKey, PendingRequest> store = pending();
        ServerRequestKey shortLived = new ServerRequestKey("s1", "gw-1");
        ServerRequestKey longLived = new ServerRequestKey("s1", "gw-2");
        store.put(shortLived, pending("s1", TextNode.valueOf("a")), TTL);
        store.put(longLived, pending("s1", TextNode.valueOf("b")), LONG);
        sleep(TTL.multipliedBy(2));
        assertThat(store.get(shortLived)).isNull();
        assertThat(store.take(shortLived)).isNull();
        assertThat(store.touch(shortLived, LONG)).isFalse();
        store.purgeExpired();
        assertThat(store.get(shortLived)).isNull();
        assertThat(store.get(longLived)).isNotNull();
    }

    @Test
    void touchGivesALiveValueANewTtl() throws Exception {
        ExpiringStore<String, JsonNode> tokens = newStore("progress", String.class, JsonNode.class);
        tokens.put("gw-pt-1", TextNode.valueOf("client-token"), TTL);
        long until = System.nanoTime() + TTL.toNanos() * 3;
        while (System.nanoTime() - until < 0) {
            assertThat(tokens.touch("gw-pt-1", TTL)).isTrue();
            sleep(TTL.dividedBy(6));
        }
        assertThat(tokens.get("gw-pt-1")).isEqualTo(TextNode.valueOf("client-token"));
        assertThat(tokens.touch("unknown", TTL)).isFalse();
        sleep(TTL.multipliedBy(2));
        assertThat(tokens.get("gw-pt-1")).as("untouched, it expires").isNull();
    }

    @Test
    void takeDeliversAValueOnce() {
        ExpiringStore<ServerRequestKey, PendingRequest> store = pending();
        ServerRequestKey key = new ServerRequestKey("s1", "gw-1");
        PendingRequest value = pending("s1", IntNode.valueOf(1));
        store.put(key, value, LONG);
        assertThat(store.take(key)).isEqualTo(value);
        assertThat(store.take(key)).isNull();
        assertThat(store.get(key)).isNull();
    }

    @Test
    void ofTwoConcurrentTakesOneWins() throws Exception {
        ExpiringStore<ServerRequestKey, PendingRequest> store = pending();
        for (int i = 0; i < 100; i++) {
            ServerRequestKey key = new ServerRequestKey("s1", "gw-" + i);
            store.put(key, pending("s1", IntNode.valueOf(i)), LONG);
            CyclicBarrier start = new CyclicBarrier(2);
            CompletableFuture<PendingRequest> one = CompletableFuture.supplyAsync(() -> take(start, store, key));
            CompletableFuture<PendingRequest> two = CompletableFuture.supplyAsync(() -> take(start, store, key));
            PendingRequest a = one.get();
            PendingRequest b = two.get();
            assertThat(a == null ^ b == null).as("exactly one take of %s delivers", key).isTrue();
        }
    }

    private static <K, V> V take(CyclicBarrier start, ExpiringStore<K, V> store, K key) {
        try {
            start.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return store.take(key);
    }

    @Test
    void jsonIdsOfEveryShapeAreKeysAndValues() {
        ExpiringStore<UpstreamRequestKey, String> gatewayIds = newStore("gateway-ids", UpstreamRequestKey.class, String.class);
        ExpiringStore<ClientRequestKey, String> running = newStore("running", ClientRequestKey.class, String.class);
        JsonNode number = IntNode.valueOf(42);
        JsonNode text = TextNode.valueOf("42");
        gatewayIds.put(new UpstreamRequestKey("s1", "a", number), "gw-number", LONG);
        gatewayIds.put(new UpstreamRequestKey("s1", "a", text), "gw-text", LONG);
        assertThat(gatewayIds.get(new UpstreamRequestKey("s1", "a", IntNode.valueOf(42)))).isEqualTo("gw-number");
        assertThat(gatewayIds.get(new UpstreamRequestKey("s1", "a", TextNode.valueOf("42")))).isEqualTo("gw-text");
        assertThat(gatewayIds.get(new UpstreamRequestKey("s1", "b", number))).isNull();

        running.put(new ClientRequestKey("s1", number), "a", LONG);
        assertThat(running.get(new ClientRequestKey("s1", IntNode.valueOf(42)))).isEqualTo("a");
        assertThat(running.get(new ClientRequestKey("s1", text))).isNull();

        ExpiringStore<String, JsonNode> tokens = newStore("progress", String.class, JsonNode.class);
        tokens.put("gw-pt-1", number, LONG);
        tokens.put("gw-pt-2", JsonNodeFactory.instance.objectNode().put("odd", true), LONG);
        assertThat(tokens.get("gw-pt-1")).isEqualTo(number);
        assertThat(tokens.get("gw-pt-2").path("odd").asBoolean()).isTrue();
    }

    @Test
    void storesOfTheSameTypesDoNotShareKeys() {
        ExpiringStore<TaskKey, String> tasks = newStore("tasks", TaskKey.class, String.class);
        ExpiringStore<TaskKey, String> others = newStore("other-tasks", TaskKey.class, String.class);
        ExpiringStore<String, String> plain = newStore("plain", String.class, String.class);
        ExpiringStore<String, JsonNode> tokens = newStore("progress", String.class, JsonNode.class);
        TaskKey key = new TaskKey("s1", "t1");
        tasks.put(key, "a", LONG);
        others.put(key, "b", LONG);
        plain.put("s1", "c", LONG);
        tokens.put("s1", TextNode.valueOf("d"), LONG);
        assertThat(tasks.get(key)).isEqualTo("a");
        assertThat(others.get(key)).isEqualTo("b");
        assertThat(plain.get("s1")).isEqualTo("c");
        assertThat(tokens.get("s1")).isEqualTo(TextNode.valueOf("d"));
        others.remove(key);
        plain.take("s1");
        assertThat(tasks.get(key)).isEqualTo("a");
        assertThat(tokens.get("s1")).isNotNull();
    }
}
