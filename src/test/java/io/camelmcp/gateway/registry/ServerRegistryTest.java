package io.camelmcp.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ServerRegistryTest {

    private static ServerRegistration reg(String name, String prefix) {
        return new ServerRegistration(name, URI.create("http://127.0.0.1:1/" + name), prefix, Map.of(), "test");
    }

    @Test
    void aRegistrationPrintsHeaderNamesButNeverTheirValues() {
        ServerRegistration r = new ServerRegistration("gh", URI.create("https://mcp.example.com/mcp"), "gh_",
                Map.of("Authorization", "Bearer s3cret"), "test");
        assertThat(r.toString()).contains("Authorization").doesNotContain("s3cret");
    }

    @Test
    void routesByTheLongestMatchingPrefix() {
        ServerRegistry r = new ServerRegistry();
        r.reconcile("test", List.of(reg("a", "a_"), reg("ab", "a_b_")));
        RegistrySnapshot s = r.snapshot();
        assertThat(s.route("a_b_x").server().name()).isEqualTo("ab");
        assertThat(s.route("a_b_x").upstreamName()).isEqualTo("x");
        assertThat(s.route("a_x").server().name()).isEqualTo("a");
        assertThat(s.route("zz_x")).isNull();
        assertThat(s.route("a_")).isNull(); // a prefix alone names no tool
    }

    @Test
    void invalidRegistrationsAreReportedAndNotRouted() {
        ServerRegistry r = new ServerRegistry();
        r.reconcile("test", List.of(reg("one", "p_"), reg("two", "p_"), reg("empty", ""),
                new ServerRegistration("nourl", null, "n_", Map.of(), "test"), reg("bad", "b d")));
        RegistrySnapshot s = r.snapshot();
        assertThat(s.server("two").status().message()).contains("more than one server");
        assertThat(s.server("empty").status().message()).contains("empty prefix");
        assertThat(s.server("nourl").status().message()).contains("url");
        assertThat(s.server("bad").status().message()).contains("prefix");
        assertThat(s.servers()).allMatch(e -> e.status().reason().equals(ServerStatus.REASON_INVALID));
        assertThat(s.route("p_x")).isNull();
    }

    @Test
    void theEmptyPrefixServesASingleServerTransparently() {
        ServerRegistry r = new ServerRegistry();
        r.reconcile("test", List.of(reg("only", "")));
        assertThat(r.snapshot().route("get-sum").upstreamName()).isEqualTo("get-sum");
    }

    @Test
    void statusSurvivesAnUnchangedReconcileAndIsResetByAChangedOne() {
        ServerRegistry r = new ServerRegistry();
        ServerRegistration a = reg("a", "a_");
        r.reconcile("test", List.of(a));
        r.updateStatus(a, new ServerStatus(true, ServerStatus.REASON_READY, "3 tools", 3, Instant.now()));
        r.reconcile("other", List.of(reg("b", "b_")));
        assertThat(r.snapshot().server("a").ready()).isTrue();
        assertThat(r.snapshot().readyServers()).extracting(RegistrySnapshot.Entry::name).containsExactly("a");
        r.reconcile("test", List.of(reg("a", "new_")));
        assertThat(r.snapshot().server("a").status().reason()).isEqualTo(ServerStatus.REASON_PENDING);
        // a probe of the old registration arriving late is ignored
        r.updateStatus(a, new ServerStatus(true, ServerStatus.REASON_READY, "late", 3, Instant.now()));
        assertThat(r.snapshot().server("a").ready()).isFalse();
    }

    @Test
    void listenersRunOutsideTheRegistryLock() throws Exception {
        ServerRegistry r = new ServerRegistry();
        r.reconcile("a", List.of(reg("one", "p_")));
        java.util.concurrent.atomic.AtomicBoolean otherWriterDone = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicBoolean once = new java.util.concurrent.atomic.AtomicBoolean();
        r.addListener(snap -> {
            if (once.compareAndSet(false, true)) {
                // a listener that waits for another writer (a probe recording its status meanwhile) must not deadlock
                Thread writer = Thread.ofVirtual().start(() -> {
                    r.updateStatus(snap.server("one").registration(), ServerStatus.pending());
                    otherWriterDone.set(true);
                });
                try {
                    writer.join(java.time.Duration.ofSeconds(5));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        r.reconcile("b", List.of(reg("two", "q_")));
        assertThat(otherWriterDone).isTrue();
        assertThat(r.snapshot().servers()).hasSize(2);
    }
}
