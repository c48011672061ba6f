package io.camelmcp.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import io.camelmcp.gateway.support.RawMcpClient;

/**
 * Rate limits and the audit log with two authenticated identities (API keys), end to end with the demo servers: the
 * per-identity limit is each key's own, whatever session or address it calls from; reached, the next call is refused
 * naming the identity, and after the period it is served again; the other key is served all along. The audit line
 * names the identity by its key ({@code key:alice}), never the API key itself.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RateLimitIdentitiesTest {

    static final String ALICE = "alice-key-0123456789abcdef";
    static final String BOB = "bob-key-0123456789abcdef";
    static final String CAROL = "carol-key-0123456789abcdef";
    static final String ADD = "{\"name\":\"calc_add\",\"arguments\":{\"a\":2,\"b\":3}}";

    @LocalServerPort
    int port;

    final ListAppender<ILoggingEvent> audit = new ListAppender<>();
    final Logger auditLogger = (Logger) LoggerFactory.getLogger(AuditLog.LOGGER);

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry registry) {
        registry.add("mcp.gateway.security.api-keys[0].name", () -> "alice");
        registry.add("mcp.gateway.security.api-keys[0].key", () -> ALICE);
        registry.add("mcp.gateway.security.api-keys[1].name", () -> "bob");
        registry.add("mcp.gateway.security.api-keys[1].key", () -> BOB);
        registry.add("mcp.gateway.security.api-keys[2].name", () -> "carol");
        registry.add("mcp.gateway.security.api-keys[2].key", () -> CAROL);
        registry.add("mcp.gateway.security.rate-limits.per-identity.limit-for-period", () -> "3");
        registry.add("mcp.gateway.security.rate-limits.per-identity.limit-refresh-period", () -> "2s");
        registry.add("mcp.gateway.security.authorization.rules[0].name", () -> "no-divide-for-carol");
        registry.add("mcp.gateway.security.authorization.rules[0].effect", () -> "deny");
        registry.add("mcp.gateway.security.authorization.rules[0].identities", () -> "carol");
        registry.add("mcp.gateway.security.authorization.rules[0].tools", () -> "calc_divide");
    }

    @BeforeEach
    void captureAudit() {
        audit.start();
        auditLogger.addAppender(audit);
    }

    @AfterEach
    void release() {
        auditLogger.detachAppender(audit);
    }

    @Test
    void eachIdentityHasItsOwnLimitReachedAndRecovered() throws Exception {
        RawMcpClient alice = client(ALICE);
        RawMcpClient aliceAgain = client(ALICE); // another session of the same identity: the same budget
        RawMcpClient bob = client(BOB);
        assertThat(text(alice.request(2, "tools/call", ADD))).isEqualTo("5");
        assertThat(text(aliceAgain.request(3, "tools/call", ADD))).isEqualTo("5");
        assertThat(text(alice.request(4, "tools/call", ADD))).isEqualTo("5");

        JsonNode refused = aliceAgain.request(5, "tools/call", ADD);
        JsonNode error = refused.path("error");
        assertThat(error.path("code").asInt()).as(refused.toString()).isEqualTo(-32000);
        assertThat(error.path("message").asText()).startsWith("Too Many Requests: this client (key:alice) made the 3 calls "
                + "per 2 s that mcp.gateway.security.rate-limits.per-identity allows");
        assertThat(error.path("data").path("limit").asText()).isEqualTo("mcp.gateway.security.rate-limits.per-identity");
        long retryAfterMs = error.path("data").path("retryAfterMs").asLong();
        assertThat(retryAfterMs).isBetween(1L, 2000L);

        for (int id = 6; id <= 8; id++) {
            assertThat(text(bob.request(id, "tools/call", ADD))).as("bob's budget is his own").isEqualTo("5");
        }
        Thread.sleep(retryAfterMs);
        assertThat(text(alice.request(9, "tools/call", ADD))).as("recovered").isEqualTo("5");

        JsonNode ok = line(2);
        assertThat(ok.path("identity").asText()).isEqualTo("key:alice");
        assertThat(ok.path("server").asText()).isEqualTo("calculator");
        assertThat(ok.path("outcome").asText()).isEqualTo("ok");
        JsonNode limited = line(5);
        assertThat(limited.path("identity").asText()).isEqualTo("key:alice");
        assertThat(limited.path("outcome").asText()).isEqualTo("rate-limited");
        assertThat(line(6).path("identity").asText()).isEqualTo("key:bob");
        assertThat(audit.list).extracting(ILoggingEvent::getFormattedMessage).noneMatch(l -> l.contains(ALICE) || l.contains(BOB));
    }

    /**
     * A call the authorization rules deny has its line too: outcome denied. (It has used a permit of the caller's
     * limit: the limit counts before the call is routed and authorized.)
     */
    @Test
    void aDeniedCallIsAuditedAsDenied() throws Exception {
        RawMcpClient carol = client(CAROL);
        JsonNode denied = carol.request(21, "tools/call", "{\"name\":\"calc_divide\",\"arguments\":{\"a\":1,\"b\":2}}");
        assertThat(denied.path("error").path("code").asInt()).as(denied.toString()).isEqualTo(-32003);
        JsonNode line = line(21);
        assertThat(line.path("identity").asText()).isEqualTo("key:carol");
        assertThat(line.path("outcome").asText()).isEqualTo("denied");
        assertThat(line.path("code").asInt()).isEqualTo(-32003);
        assertThat(line.path("tool").asText()).isEqualTo("calc_divide");
    }

    RawMcpClient client(String key) throws Exception {
        RawMcpClient c = new RawMcpClient("http://127.0.0.1:" + port + "/mcp").with("X-API-Key", key);
        c.initialize("2025-11-25");
        return c;
    }

    static String text(JsonNode response) {
        return response.path("result").path("content").path(0).path("text").asText(response.toString());
    }

    JsonNode line(int id) {
        await().atMost(Duration.ofSeconds(10)).until(() -> lines().stream().anyMatch(l -> l.path("id").asInt() == id));
        List<JsonNode> mine = lines().stream().filter(l -> l.path("id").asInt() == id).toList();
        assertThat(mine).hasSize(1);
        return mine.getFirst();
    }

    List<JsonNode> lines() {
        return List.copyOf(audit.list).stream().map(e -> {
            try {
                return RawMcpClient.JSON.readTree(e.getFormattedMessage());
            } catch (Exception x) {
                throw new IllegalStateException(e.getFormattedMessage(), x);
            }
        }).toList();
    }
}
