package io.camelmcp.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.camelmcp.authserver.TestAuthorizationServer;
import io.camelmcp.gateway.support.FixtureServer;
import io.camelmcp.gateway.support.RawMcpClient;
import io.camelmcp.gateway.support.StatelessRequests;

/**
 * Upstream credentials end to end: the gateway authenticates its clients with tokens of a real authorization server
 * (Spring Authorization Server) and calls upstream MCP servers (MCP Java SDK fixtures) with tokens of their own from
 * that server (client credentials, cached and refreshed; RFC 8693 token exchange of the client's token), a fixed bearer
 * token, or nothing. What each upstream received is checked there: never the client's own token.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
class UpstreamCredentialsTest {

    static final TestAuthorizationServer AS = new TestAuthorizationServer().start()
            .client("agent-a").secret("secret-a").scopes("mcp:tools").register()
            .client("agent-b").secret("secret-b").scopes("mcp:tools").register()
            .client("gw-cc").secret("gw-cc-secret").scopes("upstream:cc").register()
            .client("gw-short").secret("gw-short-secret").ttl(Duration.ofSeconds(2)).register()
            // token exchange; its client-credentials tokens serve the gateway's own requests to that server
            .client("gw-x").secret("gw-x-secret").scopes("mcp:tools", "upstream:x").tokenExchange().register();
    /** The token endpoint of "fragile": switched off in one test. */
    static final TestAuthorizationServer AS2 = new TestAuthorizationServer().start()
            .client("gw-fragile").secret("gw-fragile-secret").ttl(Duration.ofSeconds(2)).register();

    static final FixtureServer CC = echo("cc");
    static final FixtureServer SHORT = echo("short");
    static final FixtureServer XCHG = echo("xchg");
    static final FixtureServer FIXED = echo("fixed");
    static final FixtureServer OPEN = echo("open");
    static final FixtureServer FRAGILE = echo("fragile");

    static final int PORT = freePort();
    static final String RESOURCE = "http://127.0.0.1:" + PORT + "/mcp";
    static final String API_KEY = "key-of-a-robot-0123456789";

    static FixtureServer echo(String name) {
        try {
            return FixtureServer.builder(name).tool("echo", a -> name + ":" + a.getOrDefault("s", "")).start();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry registry) {
        registry.add("server.port", () -> PORT);
        registry.add("mcp.gateway.demo.enabled", () -> "false");
        registry.add("spring.security.oauth2.resourceserver.jwt.issuer-uri", AS::issuer);
        registry.add("mcp.gateway.security.resource", () -> RESOURCE);
        registry.add("mcp.gateway.security.api-keys[0].name", () -> "robot");
        registry.add("mcp.gateway.security.api-keys[0].key", () -> API_KEY);
        registry.add("mcp.gateway.discovery.retry-interval", () -> "1s");
        registry.add("mcp.gateway.upstream-tokens.failure-backoff", () -> "1s");
        server(registry, 0, "cc", CC, Map.of("type", "client-credentials", "token-uri", AS.tokenUri(),
                "client-id", "gw-cc", "client-secret", "gw-cc-secret", "scope", "upstream:cc", "resource", CC.url()));
        server(registry, 1, "short", SHORT, Map.of("type", "client-credentials", "token-uri", AS.tokenUri(),
                "client-id", "gw-short", "client-secret", "gw-short-secret", "audience", "short-upstream"));
        server(registry, 2, "xchg", XCHG, Map.of("type", "token-exchange", "token-uri", AS.tokenUri(),
                "client-id", "gw-x", "client-secret", "gw-x-secret", "scope", "upstream:x", "resource", XCHG.url()));
        server(registry, 3, "fixed", FIXED, Map.of("type", "bearer", "token", "fixed-token-of-the-fixed-server"));
        server(registry, 4, "open", OPEN, Map.of());
        server(registry, 5, "fragile", FRAGILE, Map.of("type", "client-credentials", "token-uri", AS2.tokenUri(),
                "client-id", "gw-fragile", "client-secret", "gw-fragile-secret"));
    }

    static void server(DynamicPropertyRegistry registry, int i, String name, FixtureServer f, Map<String, String> auth) {
        String p = "mcp.gateway.servers[" + i + "].";
        registry.add(p + "name", () -> name);
        registry.add(p + "url", f::url);
        registry.add(p + "prefix", () -> name + "_");
        auth.forEach((k, v) -> registry.add(p + "auth." + k, () -> v));
    }

    @AfterAll
    static void stop() {
        for (FixtureServer f : List.of(CC, SHORT, XCHG, FIXED, OPEN, FRAGILE)) {
            f.close();
        }
        AS.close();
        AS2.close();
    }

    @Autowired
    UpstreamTokens tokens;

    static final NimbusJwtDecoder DECODER = decoder();

    static NimbusJwtDecoder decoder() {
        NimbusJwtDecoder d = NimbusJwtDecoder.withJwkSetUri(AS.jwkSetUri()).build();
        d.setJwtValidator(JwtValidators.createDefaultWithIssuer(AS.issuer()));
        return d;
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    RawMcpClient client(String token) throws Exception {
        RawMcpClient c = new RawMcpClient(RESOURCE).with("Authorization", "Bearer " + token);
        c.initialize("2025-11-25");
        return c;
    }

    static JsonNode call(RawMcpClient c, int id, String tool, String s) throws Exception {
        return c.request(id, "tools/call", "{\"name\":\"" + tool + "\",\"arguments\":{\"s\":\"" + s + "\"}}");
    }

    static String text(JsonNode response) {
        return response.path("result").path("content").path(0).path("text").asText(response.toString());
    }

    /** The tokens an upstream received, decoded (each verified against the authorization server's keys). */
    static List<Jwt> received(FixtureServer f) {
        return f.authorizations().stream().map(a -> {
            assertThat(a).startsWith("Bearer ");
            return DECODER.decode(a.substring("Bearer ".length()));
        }).toList();
    }

    void awaitReady(String tool) throws Exception {
        RawMcpClient probe = new RawMcpClient(RESOURCE).with("X-API-Key", API_KEY);
        probe.initialize("2025-11-25");
        await().atMost(Duration.ofSeconds(30)).until(() -> probe.request(1, "tools/list", "{}").toString().contains(tool));
    }

    @Test
    void clientCredentialsTokenReachesTheUpstreamNeverTheClientsAndIsFetchedOnce() throws Exception {
        awaitReady("cc_echo");
        String clientToken = AS.token("agent-a", "secret-a", "mcp:tools", RESOURCE);
        RawMcpClient c = client(clientToken);
        assertThat(text(call(c, 2, "cc_echo", "hi"))).isEqualTo("cc:hi");
        int issuedBefore = AS.issued("gw-cc");
        int requestsBefore = AS.tokenRequests();
        long started = System.nanoTime();
        for (int i = 0; i < 50; i++) {
            assertThat(text(call(c, 10 + i, "cc_echo", "n" + i))).isEqualTo("cc:n" + i);
        }
        long perCall = (System.nanoTime() - started) / 50 / 1000;
        assertThat(AS.issued("gw-cc")).as("50 calls on a cached token").isEqualTo(issuedBefore).isEqualTo(1);
        System.out.println("cc: 50 calls, " + perCall + " µs each, token requests during them: "
                + (AS.tokenRequests() - requestsBefore) + ", gw-cc tokens issued in all: " + AS.issued("gw-cc")
                + ", stats " + tokens.stats());

        List<Jwt> seen = received(CC);
        assertThat(seen).isNotEmpty().allSatisfy(jwt -> {
            assertThat(jwt.getSubject()).isEqualTo("gw-cc");
            assertThat(jwt.getAudience()).containsExactly(CC.url());
            assertThat(jwt.getClaimAsStringList("scope")).containsExactly("upstream:cc");
        });
        assertThat(seen.stream().map(Jwt::getTokenValue).distinct()).hasSize(1);
        assertThat(CC.authorizations()).doesNotContain("Bearer " + clientToken);
    }

    @Test
    void aShortLivedTokenIsRefreshed() throws Exception {
        awaitReady("short_echo");
        RawMcpClient c = client(AS.token("agent-a", "secret-a", "mcp:tools", RESOURCE));
        assertThat(text(call(c, 2, "short_echo", "1"))).isEqualTo("short:1");
        int before = AS.issued("gw-short");
        Thread.sleep(2200); // the 2 s token expired
        assertThat(text(call(c, 3, "short_echo", "2"))).isEqualTo("short:2");
        assertThat(AS.issued("gw-short")).isGreaterThan(before);
        List<Jwt> seen = received(SHORT);
        assertThat(seen).allSatisfy(jwt -> assertThat(jwt.getAudience()).containsExactly("short-upstream"));
        assertThat(seen.stream().map(Jwt::getTokenValue).distinct().count()).isGreaterThanOrEqualTo(2);
        // every token was still valid when the upstream got it: the last one was issued after the first expired
        Jwt last = seen.get(seen.size() - 1);
        assertThat(last.getIssuedAt()).isAfterOrEqualTo(seen.get(0).getExpiresAt().minusSeconds(1));
    }

    @Test
    void tokenExchangeGivesTheUpstreamATokenForTheClientMintedForIt() throws Exception {
        awaitReady("xchg_echo");
        String tokenA = AS.token("agent-a", "secret-a", "mcp:tools", RESOURCE);
        String tokenB = AS.token("agent-b", "secret-b", "mcp:tools", RESOURCE);
        RawMcpClient a = client(tokenA);
        RawMcpClient b = client(tokenB);
        int before = AS.issued("gw-x");
        long started = System.nanoTime();
        assertThat(text(call(a, 2, "xchg_echo", "a1"))).isEqualTo("xchg:a1");
        long firstMillis = (System.nanoTime() - started) / 1_000_000;
        int afterFirst = AS.issued("gw-x");
        for (int i = 0; i < 10; i++) {
            assertThat(text(call(a, 3 + i, "xchg_echo", "a"))).isEqualTo("xchg:a");
        }
        assertThat(AS.issued("gw-x")).as("the exchanged token is reused").isEqualTo(afterFirst);
        assertThat(text(call(b, 2, "xchg_echo", "b1"))).isEqualTo("xchg:b1");
        System.out.println("token exchange: first call " + firstMillis + " ms, gw-x tokens for it " + (afterFirst - before)
                + ", stats " + tokens.stats());

        List<Jwt> seen = received(XCHG);
        // the gateway's own requests (discovery, lists) carry its client-credentials token; the clients' calls an
        // exchanged one whose subject is the client, issued to the gateway's client, for this upstream
        assertThat(seen).allSatisfy(jwt -> {
            assertThat(jwt.getAudience()).containsExactly(XCHG.url());
            assertThat(jwt.getClaimAsString("client_id")).isEqualTo("gw-x");
        });
        assertThat(seen).extracting(Jwt::getSubject).contains("gw-x", "agent-a", "agent-b");
        assertThat(seen).filteredOn(j -> j.getSubject().equals("agent-a"))
                .allSatisfy(j -> assertThat(j.getClaimAsStringList("scope")).containsExactly("upstream:x"));
        assertThat(XCHG.authorizations()).doesNotContain("Bearer " + tokenA, "Bearer " + tokenB);
    }

    @Test
    void aStatelessClientsTokenIsExchangedToo() throws Exception {
        awaitReady("xchg_echo");
        AS.claims("agent-b", Map.of("groups", List.of("sales")));
        String tokenB = AS.token("agent-b", "secret-b", "mcp:tools", RESOURCE); // a 2026-07-28 client: no session
        HttpResponse<String> r = StatelessRequests.post(RESOURCE, 7, "tools/call",
                "{\"name\":\"xchg_echo\",\"arguments\":{\"s\":\"stateless\"}}", "{}",
                Map.of("Authorization", "Bearer " + tokenB));
        assertThat(text(StatelessRequests.last(r))).isEqualTo("xchg:stateless");
        assertThat(received(XCHG)).anySatisfy(jwt -> {
            assertThat(jwt.getSubject()).isEqualTo("agent-b");
            assertThat(jwt.getClaimAsStringList("groups")).containsExactly("sales");
        });
        assertThat(XCHG.authorizations()).doesNotContain("Bearer " + tokenB);
    }

    @Test
    void aClientWithoutATokenCannotCallATokenExchangeServerButTheOthers() throws Exception {
        awaitReady("xchg_echo");
        RawMcpClient robot = new RawMcpClient(RESOURCE).with("X-API-Key", API_KEY);
        robot.initialize("2025-11-25");
        JsonNode refused = call(robot, 2, "xchg_echo", "x");
        assertThat(refused.path("error").path("code").asInt()).isEqualTo(-32600);
        assertThat(refused.path("error").path("message").asText()).contains("'xchg'").contains("token");
        assertThat(refused.path("error").path("data").path("server").asText()).isEqualTo("xchg");
        assertThat(text(call(robot, 3, "cc_echo", "x"))).isEqualTo("cc:x");
        assertThat(CC.authorizations()).noneMatch(h -> h.contains(API_KEY));
    }

    @Test
    void fixedBearerAndNoAuthAndNeverTheClientsHeader() throws Exception {
        awaitReady("open_echo");
        String clientToken = AS.token("agent-a", "secret-a", "mcp:tools", RESOURCE);
        RawMcpClient c = client(clientToken);
        assertThat(text(call(c, 2, "fixed_echo", "f"))).isEqualTo("fixed:f");
        assertThat(text(call(c, 3, "open_echo", "o"))).isEqualTo("open:o");
        assertThat(FIXED.authorizations()).isNotEmpty().containsOnly("Bearer fixed-token-of-the-fixed-server");
        assertThat(OPEN.authorizations()).isEmpty();
    }

    @Test
    void aTokenEndpointThatIsDownIsAClearErrorAndTheOtherServersServe() throws Exception {
        awaitReady("fragile_echo");
        RawMcpClient c = client(AS.token("agent-a", "secret-a", "mcp:tools", RESOURCE));
        assertThat(text(call(c, 2, "fragile_echo", "up"))).isEqualTo("fragile:up");
        AS2.unavailable(true);
        try {
            Thread.sleep(2200); // its 2 s token expired: a new one is needed, and the endpoint answers 503
            int before = AS2.tokenRequests();
            JsonNode failed = call(c, 3, "fragile_echo", "down");
            assertThat(failed.path("error").path("code").asInt()).isEqualTo(-32001);
            assertThat(failed.path("error").path("message").asText()).contains("'fragile'").contains("token")
                    .contains(AS2.tokenUri()).contains("503").doesNotContain("gw-fragile-secret");
            assertThat(failed.path("error").path("data").path("server").asText()).isEqualTo("fragile");
            // calls in the back-off do not ask the endpoint again
            JsonNode again = call(c, 4, "fragile_echo", "down");
            assertThat(again.path("error").path("code").asInt()).isIn(-32001, -32602);
            assertThat(AS2.tokenRequests() - before).isLessThanOrEqualTo(2);
            assertThat(text(call(c, 5, "cc_echo", "still"))).isEqualTo("cc:still");
            assertThat(text(call(c, 6, "open_echo", "still"))).isEqualTo("open:still");
        } finally {
            AS2.unavailable(false);
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> text(call(c, 7, "fragile_echo", "back")).equals("fragile:back"));
    }
}
