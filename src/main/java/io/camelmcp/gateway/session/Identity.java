package io.camelmcp.gateway.session;

import java.util.Map;
import java.util.Set;

/**
 * Who a client is, as the gateway authenticated it: what sessions are bound to, authorization rules match, rate
 * limits count and the audit log names. Made by the security filter from a validated bearer JWT or an API key;
 * {@link #ANONYMOUS} while the gateway does not authenticate.
 *
 * @param kind   {@code jwt}, {@code api-key} or {@code anonymous}
 * @param name   the principal: the token's {@code sub}, the API key's name
 * @param issuer the token's issuer ({@code iss}); null for API keys
 * @param scopes the scopes granted (the token's {@code scope}/{@code scp}, the key's configured scopes)
 * @param groups the groups the principal is in (the token's groups claim)
 * @param claims the token's claims (empty for API keys)
 * @param token  the bearer token as presented, for token exchange upstream only: never logged, never forwarded
 */
public record Identity(String kind, String name, String issuer, Set<String> scopes, Set<String> groups,
                       Map<String, Object> claims, String token) {

    public static final String JWT = "jwt";
    public static final String API_KEY = "api-key";
    public static final Identity ANONYMOUS = new Identity("anonymous", "anonymous", null, Set.of(), Set.of(), Map.of(), null);

    /**
     * The servlet request attribute the security filter leaves the identity in (the endpoint turns it into the
     * exchange property {@code mcpIdentity}).
     */
    public static final String ATTRIBUTE = Identity.class.getName();

    public Identity {
        scopes = scopes == null ? Set.of() : Set.copyOf(scopes);
        groups = groups == null ? Set.of() : Set.copyOf(groups);
        claims = claims == null ? Map.of() : claims.entrySet().stream().filter(e -> e.getValue() != null)
                .collect(java.util.stream.Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /** What a session is owned by: the same principal of the same issuer (or the same key) is the same owner. */
    public String key() {
        return switch (kind) {
            case JWT -> "jwt:" + (issuer == null ? "" : issuer) + '#' + name;
            case API_KEY -> "key:" + name;
            default -> kind;
        };
    }

    public boolean anonymous() {
        return "anonymous".equals(kind);
    }

    /** Without the token: an identity may be logged. */
    @Override
    public String toString() {
        return key();
    }
}
