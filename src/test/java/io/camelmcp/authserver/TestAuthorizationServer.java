package io.camelmcp.authserver;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.Principal;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.security.servlet.SecurityFilterAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.DispatcherServletAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.ServletWebServerFactoryAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.InMemoryOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenExchangeAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.config.annotation.web.configurers.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.web.SecurityFilterChain;

/**
 * A real OAuth 2.1 authorization server for the tests: Spring Authorization Server in a Spring context of its own, on
 * a free loopback port, signing JWT access tokens with an RSA key of its own (so a second instance is another issuer).
 * It issues client-credentials tokens and exchanges tokens (RFC 8693) for the clients registered with {@link #client}.
 * <p>
 * The context is built from an explicit list of configurations (web server, dispatcher servlet, Spring Security's
 * filter): the gateway, Camel and their auto-configurations are on the same test classpath and must not start here.
 * It reads no application.yaml, and leaves the JVM's logging alone (the gateway context of the test owns it).
 * <p>
 * The {@code aud} of a token: the RFC 8707 {@code resource} and the {@code audience} (RFC 8693; also taken with client
 * credentials, as several servers do) parameters of the request, else the client's fixed {@link Client#audience},
 * else the AS default (the client id). Every token carries {@code client_id} (RFC 9068), the client that asked for it:
 * an exchanged token's {@code sub} is its subject token's.
 */
public final class TestAuthorizationServer implements AutoCloseable {

    public static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    public static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RSAKey key = rsaKey();
    private final InMemoryRegisteredClientRepository clients;
    /** Extra claims of the tokens whose subject ({@code sub}) is this name. */
    private final Map<String, Map<String, Object>> claims = new ConcurrentHashMap<>();
    /** Fixed audiences by client id. */
    private final Map<String, List<String>> audiences = new ConcurrentHashMap<>();
    private final List<Consumer<JwtEncodingContext>> customizers = new CopyOnWriteArrayList<>();
    /** Access tokens issued, by the id of the client that asked. */
    private final Map<String, AtomicInteger> issued = new ConcurrentHashMap<>();
    /** Token requests received (whether they succeeded or not). */
    private final AtomicInteger tokenRequests = new AtomicInteger();
    private volatile boolean unavailable;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ConfigurableApplicationContext context;
    private int port;

    public TestAuthorizationServer() {
        // the repository needs one client to be built; this one can do nothing (no grant it could use is allowed)
        clients = new InMemoryRegisteredClientRepository(RegisteredClient.withId("none").clientId("none")
                .clientSecret("{noop}" + UUID.randomUUID())
                .authorizationGrantType(AuthorizationGrantType.JWT_BEARER).build());
    }

    /** Starts the server on a free port; returns this. */
    public TestAuthorizationServer start() {
        RuntimeException last = null;
        for (int attempt = 0; attempt < 3; attempt++) { // the free port found may be taken before Tomcat binds it
            port = freePort();
            Map<String, Object> props = new LinkedHashMap<>();
            props.put("spring.config.name", "test-authorization-server"); // no such file: not the gateway's yaml
            props.put("server.port", port);
            props.put("server.address", "127.0.0.1");
            props.put("spring.main.banner-mode", "off");
            props.put("spring.jmx.enabled", "false");
            StandardEnvironment env = new StandardEnvironment();
            env.getPropertySources().addFirst(new MapPropertySource("test-authorization-server", props));
            SpringApplicationBuilder builder = new SpringApplicationBuilder(Config.class)
                    .environment(env)
                    .web(WebApplicationType.SERVLET)
                    .main(TestAuthorizationServer.class)
                    .logStartupInfo(false)
                    .registerShutdownHook(false)
                    .initializers(c -> c.getBeanFactory().registerSingleton("testAuthorizationServer", this));
            List<ApplicationListener<?>> listeners = new ArrayList<>(builder.application().getListeners());
            listeners.removeIf(l -> l instanceof LoggingApplicationListener); // would reset the JVM's logging
            builder.application().setListeners(listeners);
            try {
                context = builder.run();
                return this;
            } catch (RuntimeException e) {
                last = e;
            }
        }
        throw last;
    }

    @Override
    public void close() {
        if (context != null) {
            context.close();
            context = null;
        }
    }

    /** {@code http://127.0.0.1:port}: the {@code iss} of its tokens. */
    public String issuer() {
        return "http://127.0.0.1:" + port;
    }

    public String tokenUri() {
        return issuer() + "/oauth2/token";
    }

    public String jwkSetUri() {
        return issuer() + "/oauth2/jwks";
    }

    /** The public key its tokens are signed with. */
    public RSAPublicKey publicKey() {
        try {
            return key.toRSAPublicKey();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Registers (or replaces) a client: {@code client("gateway").secret("s").scopes("a").register()}. */
    public Client client(String clientId) {
        return new Client(clientId);
    }

    /** Adds claims to every token whose subject is {@code subject} (a client id for client-credentials tokens). */
    public TestAuthorizationServer claims(String subject, Map<String, Object> extra) {
        claims.put(subject, Map.copyOf(extra));
        return this;
    }

    /** Runs on every token this server signs, after its own customization (audience, claims). */
    public TestAuthorizationServer customize(Consumer<JwtEncodingContext> customizer) {
        customizers.add(customizer);
        return this;
    }

    /** How many access tokens were issued to {@code clientId} (client credentials and exchanges alike). */
    public int issued(String clientId) {
        AtomicInteger n = issued.get(clientId);
        return n == null ? 0 : n.get();
    }

    /** Every request to the token endpoint so far, answered or refused. */
    public int tokenRequests() {
        return tokenRequests.get();
    }

    /** While true, the token endpoint answers 503 (the server is up: JWKs and metadata still answer). */
    public void unavailable(boolean unavailable) {
        this.unavailable = unavailable;
    }

    /** A client-credentials token, fetched over HTTP (client_secret_basic); {@code scope} and {@code resource} may be null. */
    public String token(String clientId, String secret, String scope, String resource) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        if (scope != null) {
            form.put("scope", scope);
        }
        if (resource != null) {
            form.put("resource", resource);
        }
        return tokenResponse(clientId, secret, form).path("access_token").asText();
    }

    /** An RFC 8693 exchange of {@code subjectToken} (an access token of this server), fetched over HTTP. */
    public String exchange(String clientId, String secret, String subjectToken, String resource, String audience,
                           String scope) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", TOKEN_EXCHANGE);
        form.put("subject_token", subjectToken);
        form.put("subject_token_type", ACCESS_TOKEN_TYPE);
        if (resource != null) {
            form.put("resource", resource);
        }
        if (audience != null) {
            form.put("audience", audience);
        }
        if (scope != null) {
            form.put("scope", scope);
        }
        return tokenResponse(clientId, secret, form).path("access_token").asText();
    }

    /** The token endpoint's JSON answer to {@code form}; a non-200 answer throws with its body. */
    public JsonNode tokenResponse(String clientId, String secret, Map<String, String> form) {
        String body = form.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
        String basic = Base64.getEncoder().encodeToString((enc(clientId) + ":" + enc(secret)).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create(tokenUri()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + basic)
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("token endpoint answered " + response.statusCode() + ": " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** A client being registered. */
    public final class Client {
        private final String clientId;
        private String secret = "secret";
        private final Set<String> scopes = new LinkedHashSet<>();
        private final Set<AuthorizationGrantType> grants = new LinkedHashSet<>(Set.of(AuthorizationGrantType.CLIENT_CREDENTIALS));
        private Duration ttl = Duration.ofMinutes(5);
        private final List<String> audience = new ArrayList<>();

        private Client(String clientId) {
            this.clientId = clientId;
        }

        public Client secret(String secret) { this.secret = secret; return this; }
        public Client scopes(String... scopes) { this.scopes.addAll(List.of(scopes)); return this; }
        /** Access token lifetime (1 second: tokens that expire while the test runs). */
        public Client ttl(Duration ttl) { this.ttl = ttl; return this; }
        /** The {@code aud} of its tokens when the request names no resource or audience. */
        public Client audience(String... aud) { this.audience.addAll(List.of(aud)); return this; }
        /** Grant types besides client_credentials, e.g. {@link #TOKEN_EXCHANGE}. */
        public Client grants(String... grantTypes) {
            for (String g : grantTypes) {
                grants.add(new AuthorizationGrantType(g));
            }
            return this;
        }
        /** Allows token exchange as well. */
        public Client tokenExchange() { return grants(TOKEN_EXCHANGE); }

        public TestAuthorizationServer register() {
            RegisteredClient.Builder b = RegisteredClient.withId(clientId).clientId(clientId)
                    .clientSecret("{noop}" + secret)
                    .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                    .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
                    .tokenSettings(TokenSettings.builder().accessTokenTimeToLive(ttl).build());
            grants.forEach(b::authorizationGrantType);
            scopes.forEach(b::scope);
            clients.save(b.build());
            if (audience.isEmpty()) {
                audiences.remove(clientId);
            } else {
                audiences.put(clientId, List.copyOf(audience));
            }
            return TestAuthorizationServer.this;
        }
    }

    /** What this server does to every token: the audience, the subject's claims, the counters, the tests' hooks. */
    private void customizeToken(JwtEncodingContext context) {
        if (!OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
            return;
        }
        String clientId = context.getRegisteredClient().getClientId();
        issued.computeIfAbsent(clientId, k -> new AtomicInteger()).incrementAndGet();
        List<String> aud = new ArrayList<>();
        Object grant = context.getAuthorizationGrant();
        if (grant instanceof OAuth2ClientCredentialsAuthenticationToken cc) {
            aud.addAll(values(cc.getAdditionalParameters().get("resource")));
            aud.addAll(values(cc.getAdditionalParameters().get("audience"))); // not standard there, but common
        } else if (grant instanceof OAuth2TokenExchangeAuthenticationToken te) {
            aud.addAll(te.getResources());
            aud.addAll(te.getAudiences());
        }
        if (aud.isEmpty()) {
            aud.addAll(audiences.getOrDefault(clientId, List.of()));
        }
        if (!aud.isEmpty()) {
            context.getClaims().audience(aud);
        }
        // RFC 9068: who asked for the token (an exchanged token's sub is its subject's, not the exchanging client's)
        context.getClaims().claim("client_id", clientId);
        String subject = context.getPrincipal() == null ? null : context.getPrincipal().getName();
        Map<String, Object> extra = subject == null ? null : claims.get(subject);
        if (extra != null) {
            context.getClaims().claims(c -> c.putAll(extra));
        }
        customizers.forEach(c -> c.accept(context));
    }

    private static List<String> values(Object parameter) {
        if (parameter == null) {
            return List.of();
        }
        if (parameter instanceof String s) {
            return List.of(s);
        }
        if (parameter instanceof String[] a) {
            return List.of(a);
        }
        if (parameter instanceof Collection<?> c) {
            return c.stream().map(String::valueOf).toList();
        }
        return List.of(String.valueOf(parameter));
    }

    private static RSAKey rsaKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            return new RSAKey.Builder((RSAPublicKey) pair.getPublic()).privateKey((RSAPrivateKey) pair.getPrivate())
                    .keyID(UUID.randomUUID().toString()).build();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The whole server: only what is listed here (no component scan, no auto-configuration beyond these). */
    @Configuration(proxyBeanMethods = false)
    @EnableWebSecurity
    @ImportAutoConfiguration({ServletWebServerFactoryAutoConfiguration.class, DispatcherServletAutoConfiguration.class,
            SecurityFilterAutoConfiguration.class})
    static class Config {

        @Bean
        SecurityFilterChain authorizationServer(HttpSecurity http) throws Exception {
            OAuth2AuthorizationServerConfigurer as = OAuth2AuthorizationServerConfigurer.authorizationServer();
            http.securityMatcher(as.getEndpointsMatcher())
                    .with(as, c -> { })
                    .authorizeHttpRequests(a -> a.anyRequest().authenticated())
                    .csrf(c -> c.ignoringRequestMatchers(as.getEndpointsMatcher()));
            return http.build();
        }

        @Bean
        RegisteredClientRepository registeredClients(TestAuthorizationServer server) {
            return server.clients;
        }

        /**
         * In memory, and a client-credentials grant keeps its client as the principal of the authorization: Spring AS
         * exchanges only subject tokens whose authorization has one (a user's, in production), and the tests' clients
         * play the users whose tokens the gateway exchanges.
         */
        @Bean
        OAuth2AuthorizationService authorizationService() {
            InMemoryOAuth2AuthorizationService store = new InMemoryOAuth2AuthorizationService();
            return new OAuth2AuthorizationService() {
                @Override
                public void save(OAuth2Authorization authorization) {
                    if (AuthorizationGrantType.CLIENT_CREDENTIALS.equals(authorization.getAuthorizationGrantType())
                            && authorization.getAttribute(Principal.class.getName()) == null) {
                        authorization = OAuth2Authorization.from(authorization)
                                .attribute(Principal.class.getName(), UsernamePasswordAuthenticationToken.authenticated(
                                        authorization.getPrincipalName(), null, List.of()))
                                .build();
                    }
                    store.save(authorization);
                }

                @Override public void remove(OAuth2Authorization authorization) { store.remove(authorization); }
                @Override public OAuth2Authorization findById(String id) { return store.findById(id); }
                @Override public OAuth2Authorization findByToken(String token, OAuth2TokenType tokenType) {
                    return store.findByToken(token, tokenType);
                }
            };
        }

        @Bean
        JWKSource<SecurityContext> jwkSource(TestAuthorizationServer server) {
            return new ImmutableJWKSet<>(new JWKSet(server.key));
        }

        @Bean
        AuthorizationServerSettings authorizationServerSettings(TestAuthorizationServer server) {
            return AuthorizationServerSettings.builder().issuer(server.issuer()).build();
        }

        @Bean
        OAuth2TokenCustomizer<JwtEncodingContext> tokenCustomizer(TestAuthorizationServer server) {
            return server::customizeToken;
        }

        /** Counts token requests and plays an unavailable token endpoint; in front of Spring Security's filters. */
        @Bean
        FilterRegistrationBean<Filter> tokenEndpointSwitch(TestAuthorizationServer server) {
            Filter filter = (request, response, chain) -> {
                HttpServletRequest http = (HttpServletRequest) request;
                if ("/oauth2/token".equals(http.getRequestURI())) {
                    server.tokenRequests.incrementAndGet();
                    if (server.unavailable) {
                        HttpServletResponse out = (HttpServletResponse) response;
                        out.setStatus(503);
                        out.setContentType("text/plain");
                        out.getWriter().write("token endpoint unavailable (test)");
                        return;
                    }
                }
                chain.doFilter(request, response);
            };
            FilterRegistrationBean<Filter> reg = new FilterRegistrationBean<>(filter);
            reg.setOrder(Ordered.HIGHEST_PRECEDENCE);
            return reg;
        }
    }
}
