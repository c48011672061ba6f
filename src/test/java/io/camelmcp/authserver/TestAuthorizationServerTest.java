package io.camelmcp.authserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/** The test authorization server issues what the security tests rely on, verifiable against its JWK set. */
class TestAuthorizationServerTest {

    static TestAuthorizationServer as;

    @BeforeAll
    static void start() {
        as = new TestAuthorizationServer().start();
        as.client("gateway").secret("gateway-secret").scopes("tools").register();
        // the scopes of an exchanged token are the requested ones, else the subject token's: all must be the exchanging client's
        as.client("exchanger").secret("exchanger-secret").scopes("tools", "upstream").tokenExchange().register();
        as.client("short").secret("short-secret").ttl(Duration.ofSeconds(1)).audience("https://fixed.example/mcp").register();
        as.claims("gateway", Map.of("groups", List.of("ops", "dev")));
    }

    @AfterAll
    static void stop() {
        as.close();
    }

    private static NimbusJwtDecoder decoder(TestAuthorizationServer server) {
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(server.jwkSetUri()).build();
        decoder.setJwtValidator(JwtValidators.createDefaultWithIssuer(server.issuer()));
        return decoder;
    }

    @Test
    void clientCredentialsTokenVerifiesAgainstTheJwkSet() {
        long started = System.nanoTime();
        String token = as.token("gateway", "gateway-secret", "tools", "http://127.0.0.1:1/mcp");
        long millis = (System.nanoTime() - started) / 1_000_000;
        Jwt jwt = decoder(as).decode(token);
        assertThat(jwt.getIssuer().toString()).isEqualTo(as.issuer()).startsWith("http://127.0.0.1:");
        assertThat(jwt.getSubject()).isEqualTo("gateway");
        assertThat(jwt.getClaimAsString("client_id")).isEqualTo("gateway");
        assertThat(jwt.getAudience()).containsExactly("http://127.0.0.1:1/mcp"); // RFC 8707 resource
        assertThat(jwt.getClaimAsStringList("scope")).containsExactly("tools");
        assertThat(jwt.getClaimAsStringList("groups")).containsExactly("ops", "dev");
        assertThat(as.issued("gateway")).isPositive();
        System.out.println("client-credentials token over HTTP in " + millis + " ms");
    }

    @Test
    void fixedAudienceAndShortLifetime() throws InterruptedException {
        String token = as.token("short", "short-secret", null, null);
        Jwt jwt = decoder(as).decode(token);
        assertThat(jwt.getAudience()).containsExactly("https://fixed.example/mcp");
        assertThat(Duration.between(jwt.getIssuedAt(), jwt.getExpiresAt())).isEqualTo(Duration.ofSeconds(1));
        // the default validators allow 60 s of clock skew: check the expiry without it
        NimbusJwtDecoder strict = NimbusJwtDecoder.withJwkSetUri(as.jwkSetUri()).build();
        strict.setJwtValidator(new org.springframework.security.oauth2.jwt.JwtTimestampValidator(Duration.ZERO));
        Thread.sleep(2100);
        assertThatThrownBy(() -> strict.decode(token)).isInstanceOf(JwtException.class).hasMessageContaining("expired");
    }

    @Test
    void tokenExchangeMintsATokenForTheSubjectWithTheRequestedAudience() {
        String subject = as.token("gateway", "gateway-secret", "tools", null);
        String exchanged = as.exchange("exchanger", "exchanger-secret", subject, "http://upstream.example/mcp", null, null);
        Jwt jwt = decoder(as).decode(exchanged);
        assertThat(jwt.getSubject()).isEqualTo("gateway"); // the subject token's principal, not the exchanging client
        assertThat(jwt.getAudience()).containsExactly("http://upstream.example/mcp");
        assertThat(jwt.getClaimAsStringList("groups")).containsExactly("ops", "dev");
        assertThat(jwt.getClaimAsStringList("scope")).containsExactly("tools");
        String narrowed = as.exchange("exchanger", "exchanger-secret", subject, null, "upstream-a", "upstream");
        assertThat(decoder(as).decode(narrowed).getAudience()).containsExactly("upstream-a"); // RFC 8693 audience
        assertThat(decoder(as).decode(narrowed).getClaimAsStringList("scope")).containsExactly("upstream");
        assertThat(jwt.getClaimAsString("client_id")).isEqualTo("exchanger");
    }

    @Test
    void aClientWithoutTheGrantCannotExchange() {
        String subject = as.token("gateway", "gateway-secret", null, null);
        assertThatThrownBy(() -> as.exchange("short", "short-secret", subject, "http://x/mcp", null, null))
                .hasMessageContaining("unauthorized_client");
    }

    @Test
    void wrongSecretIsRefused() {
        assertThatThrownBy(() -> as.token("gateway", "nope", null, null)).hasMessageContaining("401");
    }

    @Test
    void unavailableTokenEndpointAnswers503() {
        int before = as.tokenRequests();
        as.unavailable(true);
        try {
            assertThatThrownBy(() -> as.token("gateway", "gateway-secret", null, null)).hasMessageContaining("503");
        } finally {
            as.unavailable(false);
        }
        assertThat(as.tokenRequests()).isEqualTo(before + 1);
    }

    @Test
    void aSecondInstanceIsAnotherIssuerWithAnotherKey() {
        try (TestAuthorizationServer other = new TestAuthorizationServer().start()) {
            other.client("gateway").secret("gateway-secret").register();
            String foreign = other.token("gateway", "gateway-secret", null, null);
            assertThat(other.issuer()).isNotEqualTo(as.issuer());
            assertThat(decoder(other).decode(foreign).getIssuer().toString()).isEqualTo(other.issuer());
            assertThatThrownBy(() -> decoder(as).decode(foreign)).isInstanceOf(JwtException.class);
        }
    }
}
