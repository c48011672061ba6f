package io.camelmcp.gateway.registry;

import java.net.URI;
import java.util.Locale;

/**
 * How the gateway authenticates to one upstream server, besides its static headers. The MCP authorization spec forbids
 * passing the client's own token through: an upstream gets a credential of its own, never the client's.
 * <ul>
 *   <li>{@code bearer}: a fixed token, sent as {@code Authorization: Bearer <token>};</li>
 *   <li>{@code client-credentials}: an OAuth access token the gateway gets for itself at {@code tokenUri} (client
 *       credentials grant), cached until shortly before it expires;</li>
 *   <li>{@code token-exchange}: an RFC 8693 exchange of the client's own inbound token for one minted for this server,
 *       cached per client token; the gateway's own requests (discovery, lists, health) use a client-credentials token
 *       of the same client.</li>
 * </ul>
 * {@code audience} (RFC 8693) and {@code resource} (RFC 8707) name the server the token is for; {@code scope} is
 * space-separated. Records print every component: {@link #toString} leaves the secrets out.
 */
public record UpstreamAuth(Type type, String token, URI tokenUri, String clientId, String clientSecret, String scope,
                           String audience, String resource) {

    public enum Type {
        BEARER, CLIENT_CREDENTIALS, TOKEN_EXCHANGE;

        /** {@code bearer}, {@code client-credentials}, {@code token-exchange} (any case, '_' for '-'). */
        public static Type of(String name) {
            String n = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
            return switch (n) {
                case "bearer" -> BEARER;
                case "client-credentials" -> CLIENT_CREDENTIALS;
                case "token-exchange" -> TOKEN_EXCHANGE;
                default -> throw new IllegalArgumentException("auth.type '" + name
                        + "' is none of bearer, client-credentials, token-exchange");
            };
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public UpstreamAuth {
        if (type == null) {
            throw new IllegalArgumentException("auth.type is required (bearer, client-credentials, token-exchange)");
        }
        scope = blankToNull(scope);
        audience = blankToNull(audience);
        resource = blankToNull(resource);
        if (type == Type.BEARER) {
            if (blank(token)) {
                throw new IllegalArgumentException("auth.token is required with auth.type bearer");
            }
        } else {
            if (tokenUri == null || !("http".equals(tokenUri.getScheme()) || "https".equals(tokenUri.getScheme()))) {
                throw new IllegalArgumentException("auth.token-uri (an http(s) URL) is required with auth.type " + type.label());
            }
            if (blank(clientId) || blank(clientSecret)) {
                throw new IllegalArgumentException("auth.client-id and auth.client-secret are required with auth.type "
                        + type.label());
            }
        }
    }

    public static UpstreamAuth bearer(String token) {
        return new UpstreamAuth(Type.BEARER, token, null, null, null, null, null, null);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String blankToNull(String s) {
        return blank(s) ? null : s.trim();
    }

    /** Without the token and the client secret. */
    @Override
    public String toString() {
        if (type == Type.BEARER) {
            return "UpstreamAuth[bearer]";
        }
        return "UpstreamAuth[" + type.label() + ", tokenUri=" + tokenUri + ", clientId=" + clientId
                + (scope == null ? "" : ", scope=" + scope) + (audience == null ? "" : ", audience=" + audience)
                + (resource == null ? "" : ", resource=" + resource) + "]";
    }
}
