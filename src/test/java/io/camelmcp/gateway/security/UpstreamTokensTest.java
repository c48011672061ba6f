package io.camelmcp.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

import io.camelmcp.authserver.TestAuthorizationServer;
import io.camelmcp.gateway.config.GatewayProperties;
import io.camelmcp.gateway.protocol.McpException;
import io.camelmcp.gateway.registry.ServerRegistration;
import io.camelmcp.gateway.registry.UpstreamAuth;
import io.camelmcp.gateway.session.ClientContext;
import io.camelmcp.gateway.session.Identity;
import io.camelmcp.gateway.upstream.UpstreamException;

/**
 * {@link UpstreamTokens} as a bean, against a real authorization server: one fetch for many concurrent callers, one
 * exchange per client token, a bounded exchange cache, the errors, and secrets kept out of what is printed.
 */
class UpstreamTokensTest {

    static TestAuthorizationServer as;
    static NimbusJwtDecoder decoder;

    @BeforeAll
    static void start() {
        as = new TestAuthorizationServer().start()
                .client("gw").secret("gw-secret").scopes("up").register()
                .client("gw-x").secret("gw-x-secret").scopes("up", "mcp").tokenExchange().register()
                .client("user").secret("user-secret").scopes("mcp").register();
        decoder = NimbusJwtDecoder.withJwkSetUri(as.jwkSetUri()).build();
    }

    @AfterAll
    static void stop() {
        as.close();
    }

    static ServerRegistration server(String name, UpstreamAuth auth) {
        return new ServerRegistration(name, URI.create("http://127.0.0.1:1/" + name), name + "_", Map.of(), "test")
                .withAuth(auth);
    }

    static UpstreamAuth clientCredentials(String clientId, String secret) {
        return new UpstreamAuth(UpstreamAuth.Type.CLIENT_CREDENTIALS, null, URI.create(as.tokenUri()), clientId, secret,
                "up", null, "http://127.0.0.1:1/up");
    }

    static ClientContext clientWith(String token) {
        Identity id = new Identity(Identity.JWT, "user", as.issuer(), Set.of("mcp"), Set.of(), Map.of(), token);
        return new ClientContext("session-1", "2025-11-25", null, null, id, null);
    }

    static String bearer(Map<String, String> headers) {
        assertThat(headers).containsOnlyKeys("Authorization");
        return headers.get("Authorization").substring("Bearer ".length());
    }

    @Test
    void concurrentCallersShareOneFetch() throws Exception {
        try (UpstreamTokens tokens = new UpstreamTokens(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(1), 100)) {
            ServerRegistration up = server("up", clientCredentials("gw", "gw-secret"));
            int before = as.issued("gw");
            CountDownLatch go = new CountDownLatch(1);
            List<Callable<String>> calls = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                calls.add(() -> {
                    go.await();
                    return bearer(tokens.headers(up, null));
                });
            }
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<String>> results = calls.stream().map(pool::submit).toList();
                long started = System.nanoTime();
                go.countDown();
                List<String> values = new ArrayList<>();
                for (Future<String> f : results) {
                    values.add(f.get());
                }
                System.out.println("50 concurrent callers served in " + (System.nanoTime() - started) / 1_000_000
                        + " ms with " + (as.issued("gw") - before) + " token request(s); stats " + tokens.stats());
                assertThat(values).hasSize(50).containsOnly(values.get(0));
            }
            assertThat(as.issued("gw") - before).isEqualTo(1);
            // warm: what one fetch costs (loopback, the test authorization server) against a cached token
            ServerRegistration timed = server("timed", clientCredentials("gw", "gw-secret"));
            long t0 = System.nanoTime();
            tokens.headers(timed, null);
            long fetch = System.nanoTime() - t0;
            t0 = System.nanoTime();
            for (int i = 0; i < 1000; i++) {
                tokens.headers(timed, null);
            }
            long cachedEach = (System.nanoTime() - t0) / 1000;
            System.out.println("warm token fetch " + fetch / 1000 + " µs; cached lookup " + cachedEach + " ns");
            Jwt jwt = decoder.decode(bearer(tokens.headers(up, clientWith("ignored"))));
            assertThat(jwt.getSubject()).isEqualTo("gw");
            assertThat(jwt.getAudience()).containsExactly("http://127.0.0.1:1/up");
        }
    }

    @Test
    void aRejectedTokenIsFetchedAgain() throws Exception {
        try (UpstreamTokens tokens = new UpstreamTokens(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(1), 100)) {
            ServerRegistration up = server("up", clientCredentials("gw", "gw-secret"));
            Map<String, String> first = tokens.headers(up, null);
            assertThat(tokens.headers(up, null)).isEqualTo(first);
            tokens.rejected(up, null, first); // the upstream answered 401
            assertThat(tokens.headers(up, null)).isNotEqualTo(first);
        }
    }

    @Test
    void theExchangeIsOncePerClientTokenAndBounded() throws Exception {
        try (UpstreamTokens tokens = new UpstreamTokens(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(1), 4)) {
            ServerRegistration x = server("x", new UpstreamAuth(UpstreamAuth.Type.TOKEN_EXCHANGE, null,
                    URI.create(as.tokenUri()), "gw-x", "gw-x-secret", "up", "x-audience", null));
            String userToken = as.token("user", "user-secret", "mcp", null);
            int before = as.issued("gw-x");
            CountDownLatch go = new CountDownLatch(1);
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<String>> results = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    results.add(pool.submit(() -> {
                        go.await();
                        return bearer(tokens.headers(x, clientWith(userToken)));
                    }));
                }
                go.countDown();
                for (Future<String> f : results) {
                    assertThat(f.get()).isEqualTo(results.get(0).get());
                }
            }
            assertThat(as.issued("gw-x") - before).as("20 concurrent requests, one exchange").isEqualTo(1);
            Jwt exchanged = decoder.decode(bearer(tokens.headers(x, clientWith(userToken))));
            assertThat(exchanged.getSubject()).isEqualTo("user");
            assertThat(exchanged.getAudience()).containsExactly("x-audience");
            assertThat(exchanged.getClaimAsString("client_id")).isEqualTo("gw-x");
            assertThat(exchanged.getTokenValue()).isNotEqualTo(userToken);
            // the gateway's own request: its client-credentials token
            assertThat(decoder.decode(bearer(tokens.headers(x, null))).getSubject()).isEqualTo("gw-x");

            for (int i = 0; i < 10; i++) { // more client tokens than the cache holds
                tokens.headers(x, clientWith(as.token("user", "user-secret", "mcp", null)));
            }
            assertThat(tokens.stats().get("exchangedKept")).isLessThanOrEqualTo(4);
        }
    }

    @Test
    void aClientWithoutATokenOrWithARefusedOneIsTheClientsError() throws Exception {
        try (UpstreamTokens tokens = new UpstreamTokens(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(1), 100)) {
            ServerRegistration x = server("x", new UpstreamAuth(UpstreamAuth.Type.TOKEN_EXCHANGE, null,
                    URI.create(as.tokenUri()), "gw-x", "gw-x-secret", null, null, null));
            ClientContext anonymous = new ClientContext("s", "2025-11-25", null, null, Identity.ANONYMOUS, null);
            assertThatThrownBy(() -> tokens.headers(x, anonymous)).isInstanceOfSatisfying(McpException.class, e -> {
                assertThat(e.code()).isEqualTo(-32600);
                assertThat(e.getMessage()).contains("'x'").contains("no bearer token");
            });
            // a token this authorization server never issued
            assertThatThrownBy(() -> tokens.headers(x, clientWith("not-a-token-of-this-server")))
                    .isInstanceOfSatisfying(McpException.class, e -> assertThat(e.getMessage()).contains("invalid_grant"));
            // the gateway's own client refused: the server's failure (-32001 for the client), not the client's
            ServerRegistration misconfigured = server("mis", new UpstreamAuth(UpstreamAuth.Type.TOKEN_EXCHANGE, null,
                    URI.create(as.tokenUri()), "gw-x", "not-the-secret", null, null, null));
            String userToken = as.token("user", "user-secret", "mcp", null);
            assertThatThrownBy(() -> tokens.headers(misconfigured, clientWith(userToken)))
                    .isInstanceOfSatisfying(UpstreamException.class, e -> {
                        assertThat(e.server()).isEqualTo("mis");
                        assertThat(e.getMessage()).contains("invalid_client").doesNotContain("not-the-secret");
                    });
        }
    }

    @Test
    void aFailingEndpointIsAnUpstreamErrorNamingTheServerAndAskedOncePerBackOff() throws Exception {
        try (UpstreamTokens tokens = new UpstreamTokens(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(1), 100)) {
            ServerRegistration wrong = server("wrong", clientCredentials("gw", "not-the-secret"));
            int before = as.tokenRequests();
            assertThatThrownBy(() -> tokens.headers(wrong, null)).isInstanceOfSatisfying(UpstreamException.class, e -> {
                assertThat(e.server()).isEqualTo("wrong");
                assertThat(e.getMessage()).contains("invalid_client").contains(as.tokenUri()).doesNotContain("not-the-secret");
            });
            assertThatThrownBy(() -> tokens.headers(wrong, null)).isInstanceOf(UpstreamException.class);
            assertThat(as.tokenRequests() - before).as("the second call within the back-off").isEqualTo(1);

            ServerRegistration nowhere = server("nowhere", new UpstreamAuth(UpstreamAuth.Type.CLIENT_CREDENTIALS, null,
                    URI.create("http://127.0.0.1:1/token"), "gw", "gw-secret", null, null, null));
            assertThatThrownBy(() -> tokens.headers(nowhere, null)).isInstanceOfSatisfying(UpstreamException.class,
                    e -> {
                        assertThat(e.server()).isEqualTo("nowhere");
                        assertThat(e.getMessage()).contains("refused");
                    });
        }
    }

    @Test
    void secretsAreNotPrinted() {
        UpstreamAuth cc = clientCredentials("gw", "very-secret-value");
        assertThat(cc.toString()).contains("gw").doesNotContain("very-secret-value");
        assertThat(UpstreamAuth.bearer("the-bearer-token").toString()).doesNotContain("the-bearer-token");
        assertThat(server("up", cc).toString()).doesNotContain("very-secret-value");
        GatewayProperties.Auth props = new GatewayProperties.Auth();
        props.setType("client-credentials");
        props.setClientSecret("very-secret-value");
        props.setToken("the-bearer-token");
        assertThat(props.toString()).doesNotContain("very-secret-value").doesNotContain("the-bearer-token");
        assertThatThrownBy(() -> new UpstreamAuth(UpstreamAuth.Type.CLIENT_CREDENTIALS, null, null, "gw", "s", null, null, null))
                .hasMessageContaining("auth.token-uri");
        assertThatThrownBy(() -> UpstreamAuth.Type.of("basic")).hasMessageContaining("bearer, client-credentials, token-exchange");
    }
}
