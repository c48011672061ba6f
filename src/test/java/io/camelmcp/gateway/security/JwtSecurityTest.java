package io.camelmcp.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.camelmcp.authserver.TestAuthorizationServer;
import io.camelmcp.gateway.support.ClientDriver;
import io.camelmcp.gateway.support.RawMcpClient;

/**
 * The gateway as an OAuth 2.1 resource server, with tokens from a real authorization server (Spring Authorization
 * Server, client credentials): valid, expired, for another audience, from another issuer, without the scope; the
 * metadata document; sessions bound to the token's subject; and the official TypeScript SDK client finding its way
 * from the 401 to a token by itself.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
class JwtSecurityTest {

    static final TestAuthorizationServer AS = new TestAuthorizationServer().start()
            .client("agent-a").secret("secret-a").scopes("mcp:tools").register()
            .client("agent-b").secret("secret-b").scopes("mcp:tools").register()
            .client("short-lived").secret("secret-s").scopes("mcp:tools").ttl(Duration.ofSeconds(1)).register()
            .client("no-scope").secret("secret-n").scopes("profile").register();
    /** Another authorization server: its tokens are signed with another key and name another issuer. */
    static final TestAuthorizationServer OTHER = new TestAuthorizationServer().start()
            .client("agent-a").secret("secret-a").scopes("mcp:tools").register();
    static final int PORT = freePort();
    static final String RESOURCE = "http://127.0.0.1:" + PORT + "/mcp";
    static final String LIST = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}";

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry registry) {
        registry.add("server.port", () -> PORT);
        registry.add("spring.security.oauth2.resourceserver.jwt.issuer-uri", AS::issuer);
        registry.add("mcp.gateway.security.resource", () -> RESOURCE);
        registry.add("mcp.gateway.security.scopes-supported", () -> "mcp:tools");
        registry.add("mcp.gateway.security.required-scopes", () -> "mcp:tools");
        registry.add("mcp.gateway.security.clock-skew", () -> "0s");
    }

    @AfterAll
    static void stop() {
        AS.close();
        OTHER.close();
    }

    final HttpClient http = HttpClient.newHttpClient();

    RawMcpClient client(String token) {
        return new RawMcpClient(RESOURCE).with("Authorization", "Bearer " + token);
    }

    @Test
    void aValidTokenForTheGatewayIsServed() throws Exception {
        RawMcpClient c = client(AS.token("agent-a", "secret-a", "mcp:tools", RESOURCE));
        c.initialize("2025-11-25");
        assertThat(c.request(2, "tools/call", "{\"name\":\"calc_add\",\"arguments\":{\"a\":20,\"b\":22}}")
                .path("result").path("content").get(0).path("text").asText()).isEqualTo("42");
    }

    @Test
    void anExpiredTokenIs401InvalidToken() throws Exception {
        String token = AS.token("short-lived", "secret-s", "mcp:tools", RESOURCE);
        RawMcpClient c = client(token);
        c.initialize("2025-11-25"); // valid for its one second
        Thread.sleep(2100);
        HttpResponse<String> r = c.post(LIST, Map.of());
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(challenge(r)).contains("error=\"invalid_token\"").contains("expired");
    }

    @Test
    void aTokenForAnotherAudienceIs401() throws Exception {
        String token = AS.token("agent-a", "secret-a", "mcp:tools", "https://another-server.example/mcp");
        HttpResponse<String> r = client(token).post(initialize(), Map.of());
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(challenge(r)).contains("error=\"invalid_token\"").contains("aud");
    }

    @Test
    void aTokenOfAnotherIssuerIs401() throws Exception {
        String token = OTHER.token("agent-a", "secret-a", "mcp:tools", RESOURCE);
        HttpResponse<String> r = client(token).post(initialize(), Map.of());
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(challenge(r)).contains("error=\"invalid_token\"");
    }

    @Test
    void aTokenWithoutTheRequiredScopeIs403InsufficientScope() throws Exception {
        String token = AS.token("no-scope", "secret-n", "profile", RESOURCE);
        HttpResponse<String> r = client(token).post(initialize(), Map.of());
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(challenge(r)).startsWith("Bearer error=\"insufficient_scope\", scope=\"mcp:tools\"")
                .contains("resource_metadata=\"http://127.0.0.1:" + PORT + "/.well-known/oauth-protected-resource/mcp\"");
    }

    @Test
    void noTokenIs401NamingTheMetadataAndTheScope() throws Exception {
        HttpResponse<String> r = new RawMcpClient(RESOURCE).post(initialize(), Map.of());
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(challenge(r)).isEqualTo("Bearer resource_metadata=\"http://127.0.0.1:" + PORT
                + "/.well-known/oauth-protected-resource/mcp\", scope=\"mcp:tools\"");
    }

    @Test
    void theMetadataNamesTheResourceItsAuthorizationServerAndScopes() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT
                + "/.well-known/oauth-protected-resource/mcp")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode doc = RawMcpClient.JSON.readTree(r.body());
        assertThat(doc.path("resource").asText()).isEqualTo(RESOURCE);
        assertThat(doc.path("authorization_servers").toString()).isEqualTo("[\"" + AS.issuer() + "\"]");
        assertThat(doc.path("scopes_supported").toString()).isEqualTo("[\"mcp:tools\"]");
        assertThat(doc.path("bearer_methods_supported").toString()).isEqualTo("[\"header\"]");
    }

    @Test
    void aSessionBelongsToTheSubjectOfTheTokenThatCreatedIt() throws Exception {
        RawMcpClient a = client(AS.token("agent-a", "secret-a", "mcp:tools", RESOURCE));
        a.initialize("2025-11-25");
        // a second token of the same subject (a refresh) keeps the session
        RawMcpClient aAgain = client(AS.token("agent-a", "secret-a", "mcp:tools", RESOURCE));
        assertThat(aAgain.post(LIST, Map.of("Mcp-Session-Id", a.sessionId())).statusCode()).isEqualTo(200);
        // another subject's token with that session id: not found
        RawMcpClient b = client(AS.token("agent-b", "secret-b", "mcp:tools", RESOURCE));
        assertThat(b.post(LIST, Map.of("Mcp-Session-Id", a.sessionId())).statusCode()).isEqualTo(404);
    }

    @Test
    void theTypeScriptSdkClientGetsItsTokenFromTheChallengeAndCallsATool() throws Exception {
        JsonNode out = ClientDriver.runOAuth(RESOURCE, "agent-a", "secret-a", "mcp:tools", "calc_add", "{\"a\":1,\"b\":2}");
        assertThat(out.path("ok").asBoolean()).as(out.toString()).isTrue();
        assertThat(out.path("tools").toString()).contains("calc_add");
        assertThat(out.path("result").path("content").get(0).path("text").asText()).isEqualTo("3");
        List<String> flow = new java.util.ArrayList<>();
        out.path("http").forEach(h -> flow.add(h.path("status").asInt() + " " + h.path("method").asText() + " "
                + URI.create(h.path("url").asText()).getPath()));
        System.out.println("JwtSecurityTest: the SDK's flow " + flow);
        // 401 first, then the metadata, the authorization server's metadata, a token, and the retried initialize
        assertThat(flow.get(0)).isEqualTo("401 POST /mcp");
        assertThat(flow).contains("200 GET /.well-known/oauth-protected-resource/mcp", "200 POST /oauth2/token");
        assertThat(flow).filteredOn(s -> s.equals("200 POST /mcp")).isNotEmpty();
    }

    static String challenge(HttpResponse<String> r) {
        return r.headers().firstValue("www-authenticate").orElseThrow();
    }

    static String initialize() {
        return ApiKeySecurityTest.initialize();
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
