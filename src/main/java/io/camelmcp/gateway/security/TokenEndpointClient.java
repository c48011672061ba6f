package io.camelmcp.gateway.security;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.util.Timeout;
import org.springframework.http.converter.FormHttpMessageConverter;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;
import org.springframework.security.oauth2.client.endpoint.AbstractRestClientOAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2ClientCredentialsGrantRequest;
import org.springframework.security.oauth2.client.endpoint.RestClientClientCredentialsTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.RestClientTokenExchangeTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.TokenExchangeGrantRequest;
import org.springframework.security.oauth2.client.http.OAuth2ErrorResponseErrorHandler;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.security.oauth2.core.http.converter.OAuth2AccessTokenResponseHttpMessageConverter;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.RestClient;

import io.camelmcp.gateway.registry.UpstreamAuth;

/**
 * Token requests to one authorization server's token endpoint for one upstream's {@link UpstreamAuth}: the client
 * credentials grant and the token exchange grant (RFC 8693), made by Spring Security's OAuth 2.0 client (its
 * RestClient token response clients: form encoding, client_secret_basic, the token response and error parsing), over
 * Apache HttpClient 5 with bounded connect and answer times. The {@code audience} (RFC 8693) and {@code resource}
 * (RFC 8707) of the auth are sent with both grants.
 */
public final class TokenEndpointClient implements AutoCloseable {

    /** A token as the endpoint issued it: its value and when it expires. */
    public record IssuedToken(String value, Instant issuedAt, Instant expiresAt) {
        @Override
        public String toString() {
            return "IssuedToken[expiresAt=" + expiresAt + "]";
        }
    }

    /** The endpoint could not be asked, or refused: {@code error} is the OAuth error code, or why there was no answer. */
    public static final class TokenRequestFailed extends Exception {
        private final String error;
        private final boolean endpointFault;

        TokenRequestFailed(String error, String description, boolean endpointFault, Throwable cause) {
            super(description == null || description.isBlank() ? error : error + ": " + description, cause);
            this.error = error;
            this.endpointFault = endpointFault;
        }

        public String error() { return error; }

        /** Not an OAuth refusal of this request (no answer, a 5xx, an unreadable answer): the endpoint is down. */
        public boolean endpointFault() { return endpointFault; }
    }

    private final ClientRegistration clientCredentials;
    private final ClientRegistration exchange;
    private final RestClientClientCredentialsTokenResponseClient clientCredentialsClient =
            new RestClientClientCredentialsTokenResponseClient();
    private final RestClientTokenExchangeTokenResponseClient exchangeClient = new RestClientTokenExchangeTokenResponseClient();
    private final CloseableHttpClient http;

    public TokenEndpointClient(String serverName, UpstreamAuth auth, Duration timeout) {
        Set<String> scopes = auth.scope() == null ? Set.of() : new LinkedHashSet<>(List.of(auth.scope().split("\\s+")));
        this.clientCredentials = registration(serverName, auth, AuthorizationGrantType.CLIENT_CREDENTIALS, scopes);
        this.exchange = auth.type() == UpstreamAuth.Type.TOKEN_EXCHANGE
                ? registration(serverName, auth, AuthorizationGrantType.TOKEN_EXCHANGE, scopes) : null;
        this.http = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.of(timeout)).setSocketTimeout(Timeout.of(timeout)).build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(Timeout.of(timeout)).build())
                .disableRedirectHandling() // a token request is not to be re-sent elsewhere with its credentials
                .disableCookieManagement()
                .disableAutomaticRetries()
                .build();
        // what the token response clients set up by default, on this HTTP client
        RestClient rest = RestClient.builder()
                .requestFactory(new HttpComponentsClientHttpRequestFactory(http))
                .messageConverters(c -> {
                    c.clear();
                    c.add(new FormHttpMessageConverter());
                    c.add(new OAuth2AccessTokenResponseHttpMessageConverter());
                })
                .defaultStatusHandler(new OAuth2ErrorResponseErrorHandler())
                .build();
        customize(clientCredentialsClient, rest, auth);
        customize(exchangeClient, rest, auth);
    }

    private static void customize(AbstractRestClientOAuth2AccessTokenResponseClient<?> client, RestClient rest,
                                  UpstreamAuth auth) {
        client.setRestClient(rest);
        client.setParametersCustomizer(p -> targets(p, auth));
    }

    private static void targets(MultiValueMap<String, String> parameters, UpstreamAuth auth) {
        if (auth.audience() != null) {
            parameters.set("audience", auth.audience());
        }
        if (auth.resource() != null) {
            parameters.set("resource", auth.resource());
        }
    }

    private static ClientRegistration registration(String serverName, UpstreamAuth auth, AuthorizationGrantType grant,
                                                   Set<String> scopes) {
        return ClientRegistration.withRegistrationId(serverName)
                .clientId(auth.clientId())
                .clientSecret(auth.clientSecret())
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .authorizationGrantType(grant)
                .tokenUri(auth.tokenUri().toString())
                .scope(scopes)
                .build();
    }

    /** A token for the gateway itself (client credentials grant). */
    public IssuedToken clientCredentials() throws TokenRequestFailed {
        return issued(() -> clientCredentialsClient.getTokenResponse(new OAuth2ClientCredentialsGrantRequest(clientCredentials)));
    }

    /** A token for the upstream in exchange for the client's {@code subjectToken} (an access token), RFC 8693. */
    public IssuedToken exchange(String subjectToken) throws TokenRequestFailed {
        if (exchange == null) {
            throw new IllegalStateException("not a token-exchange auth");
        }
        OAuth2AccessToken subject = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, subjectToken, null, null);
        return issued(() -> exchangeClient.getTokenResponse(new TokenExchangeGrantRequest(exchange, subject, null)));
    }

    private interface Request {
        OAuth2AccessTokenResponse send();
    }

    private static IssuedToken issued(Request request) throws TokenRequestFailed {
        OAuth2AccessTokenResponse response;
        try {
            response = request.send();
        } catch (OAuth2AuthorizationException e) {
            String code = e.getError().getErrorCode();
            // Spring's own code for "no usable answer": I/O errors, 5xx, a body that is no token response
            boolean endpointFault = "invalid_token_response".equals(code);
            throw new TokenRequestFailed(code, endpointFault ? rootMessage(e) : e.getError().getDescription(),
                    endpointFault, e);
        } catch (RuntimeException e) { // a RestClientException that the token client did not wrap
            throw new TokenRequestFailed("no answer", rootMessage(e), true, e);
        }
        OAuth2AccessToken token = response.getAccessToken();
        return new IssuedToken(token.getTokenValue(), token.getIssuedAt() == null ? Instant.now() : token.getIssuedAt(),
                token.getExpiresAt());
    }

    /** The innermost cause's message: "Connection refused", "503 Service Unavailable ...", never a token. */
    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        m = m.replaceAll("\\s+", " ");
        return m.length() > 200 ? m.substring(0, 200) + "…" : m;
    }

    @Override
    public void close() {
        http.close(org.apache.hc.core5.io.CloseMode.GRACEFUL);
    }
}
