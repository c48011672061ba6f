package io.camelmcp.gateway.security;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;

import io.camelmcp.gateway.session.Identity;
import jakarta.servlet.http.HttpServletRequest;

/**
 * How a presented credential becomes an identity: {@code X-API-Key: <key>}, or {@code Authorization: Bearer <token>}
 * that is either a configured API key or a JWT that Spring Security's resource server validates (signature, expiry,
 * issuer, audience). Tokens in the query string are refused (MCP authorization: never in the URI).
 */
public final class BearerAuthentication implements AuthenticationManager, BearerTokenResolver {

    public static final String API_KEY_HEADER = "X-API-Key";

    private final ApiKeyRing keys;
    /** null: no JWTs accepted (API keys only). */
    private final JwtAuthenticationProvider jwts;
    private final String groupsClaim;
    private final DefaultBearerTokenResolver header = new DefaultBearerTokenResolver();

    public BearerAuthentication(ApiKeyRing keys, JwtDecoder decoder, String groupsClaim) {
        this.keys = keys;
        this.groupsClaim = groupsClaim;
        if (decoder == null) {
            this.jwts = null;
        } else {
            this.jwts = new JwtAuthenticationProvider(decoder);
            this.jwts.setJwtAuthenticationConverter(jwt -> new GatewayAuthentication(identity(jwt)));
        }
    }

    @Override
    public String resolve(HttpServletRequest request) {
        String key = request.getHeader(API_KEY_HEADER);
        if (key != null && !key.isBlank() && !keys.isEmpty()) {
            return key;
        }
        return header.resolve(request); // Authorization: Bearer only; a malformed one is 401 invalid_request
    }

    @Override
    public Authentication authenticate(Authentication authentication) throws AuthenticationException {
        String token = ((BearerTokenAuthenticationToken) authentication).getToken();
        Identity key = keys.match(token);
        if (key != null) {
            return new GatewayAuthentication(key);
        }
        if (jwts == null) {
            throw new InvalidBearerTokenException("Not a valid API key");
        }
        return jwts.authenticate(authentication);
    }

    Identity identity(Jwt jwt) {
        Set<String> scopes = new HashSet<>();
        scopes.addAll(words(jwt.getClaim("scope")));
        scopes.addAll(words(jwt.getClaim("scp")));
        Set<String> groups = new HashSet<>(words(jwt.getClaim(groupsClaim)));
        String issuer = jwt.getIssuer() == null ? null : jwt.getIssuer().toString();
        return new Identity(Identity.JWT, jwt.getSubject() == null ? "" : jwt.getSubject(), issuer, scopes, groups,
                jwt.getClaims(), jwt.getTokenValue());
    }

    /** A claim of space-separated words (OAuth's scope) or a JSON array of them. */
    private static List<String> words(Object claim) {
        if (claim instanceof String s) {
            return s.isBlank() ? List.of() : List.of(s.trim().split("\\s+"));
        }
        if (claim instanceof Collection<?> c) {
            return c.stream().map(String::valueOf).toList();
        }
        return List.of();
    }
}
