package io.camelmcp.gateway.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.camelmcp.gateway.registry.ServerRegistration;
import io.camelmcp.gateway.registry.ServerRegistry;
import io.camelmcp.gateway.registry.ServerStatus;

/** Registrations against the other sources of the registry, on the in-memory store. */
class RegistrationsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ServerRegistry registry = new ServerRegistry();
    private final Registrations registrations = new Registrations(new InMemoryRegistrationStore(), registry,
            new RegistrationProperties(), Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC), true);

    private static RegistrationRequest request(String name, String prefix, String transport) {
        var body = JSON.createObjectNode().put("name", name).put("url", "http://10.0.0.7:3001/mcp").put("prefix", prefix);
        if (transport != null) {
            body.put("transport", transport);
        }
        return RegistrationRequest.register(body);
    }

    @Test
    void aNameOrPrefixOfAKubernetesOrStaticServerIsTaken() {
        registry.reconcile("kubernetes", List.of(new ServerRegistration("team-a.search", URI.create("http://search:8080/mcp"),
                "search_", Map.of(), "kubernetes")));
        registry.reconcile("static", List.of(new ServerRegistration("mail", URI.create("http://mail:8080/mcp"),
                "mail_", Map.of(), "static")));
        for (var clash : List.of(request("team-a.search", "x_", null), request("mail", "y_", null))) {
            assertThatThrownBy(() -> registrations.register(clash)).isInstanceOfSatisfying(Problem.class, p -> {
                assertThat(p.status()).isEqualTo(409);
                assertThat(p.field()).isEqualTo("name");
            });
        }
        for (var clash : List.of(request("other", "search_", null), request("other", "mail_", null))) {
            assertThatThrownBy(() -> registrations.register(clash)).isInstanceOfSatisfying(Problem.class, p -> {
                assertThat(p.status()).isEqualTo(409);
                assertThat(p.field()).isEqualTo("prefix");
                assertThat(p.getMessage()).containsAnyOf("(kubernetes)", "(static)");
            });
        }
        assertThat(registrations.register(request("other", "other_", null)).registration().name()).isEqualTo("other");
        assertThat(registry.snapshot().server("other").registration().source()).isEqualTo(Registrations.SOURCE);
    }

    @Test
    void anSseRegistrationIsReachedOverTheLegacyTransport() {
        registrations.register(request("legacy", "legacy_", "sse"));
        var server = registry.snapshot().server("legacy");
        assertThat(server.registration().transport()).isEqualTo(io.camelmcp.gateway.registry.UpstreamTransport.SSE);
        assertThat(server.registration().held()).isFalse();
    }

    @Test
    void aTokenIsStoredOnlyAsItsDigest() {
        Registrations.Registered done = registrations.register(request("search", "search_", null));
        Registration stored = registrations.require(done.registration().id());
        assertThat(stored.tokenHash()).hasSize(64).doesNotContain(done.token());
        assertThat(stored.toString()).doesNotContain(stored.tokenHash());
        assertThat(registrations.tokenMatches(stored, done.token())).isTrue();
        assertThat(registrations.tokenMatches(stored, done.token() + "x")).isFalse();
        assertThat(registrations.tokenMatches(stored, null)).isFalse();
    }

    @Test
    void aServerOfAnotherSourceAddedLaterTakesPrecedence() {
        registrations.register(request("search", "search_", null));
        registrations.register(request("mail", "mail_", null));
        // the operator adds servers that clash: a name, a prefix
        registry.reconcile("static", List.of(
                new ServerRegistration("search", URI.create("http://search:8080/mcp"), "s_", Map.of(), "static"),
                new ServerRegistration("inbox", URI.create("http://inbox:8080/mcp"), "mail_", Map.of(), "static")));
        assertThat(registry.snapshot().server("search").registration().source()).isEqualTo("static");
        assertThat(registry.snapshot().server("search").status().reason()).isEqualTo(ServerStatus.REASON_PENDING);
        assertThat(registry.snapshot().server("inbox").status().reason()).isEqualTo(ServerStatus.REASON_PENDING);
        ServerStatus mail = registry.snapshot().server("mail").status();
        assertThat(mail.reason()).isEqualTo(ServerStatus.REASON_INVALID);
        assertThat(mail.message()).contains("prefix 'mail_'", "inbox", "precedence");
        Registration search = registrations.byName("search");
        assertThat(registrations.shadowed(search).message()).contains("static", "precedence");
        // the operator's go: the registrations serve again
        registry.reconcile("static", List.of());
        assertThat(registry.snapshot().server("search").registration().source()).isEqualTo(Registrations.SOURCE);
        assertThat(registry.snapshot().server("mail").status().reason()).isEqualTo(ServerStatus.REASON_PENDING);
        assertThat(registrations.shadowed(search)).isNull();
    }

}
