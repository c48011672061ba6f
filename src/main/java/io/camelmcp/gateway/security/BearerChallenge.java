package io.camelmcp.gateway.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.util.matcher.RequestMatcher;

import io.camelmcp.gateway.protocol.ErrorCodes;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The answers to an unauthenticated or unauthorized request (RFC 6750 §3, RFC 9728 §5.1, MCP authorization): 401 with
 * {@code WWW-Authenticate: Bearer resource_metadata="…", scope="…"} (and {@code error="invalid_token"} for a token that
 * failed validation), 403 with {@code error="insufficient_scope"} and the scopes needed. The body is a JSON-RPC error
 * on /mcp, where clients read JSON-RPC, and problem+json elsewhere.
 */
public final class BearerChallenge implements AuthenticationEntryPoint, AccessDeniedHandler {

    private final ResourceMetadata metadata;
    private final List<String> requiredScopes;
    private final String adminScope;
    private final RequestMatcher adminPaths;

    /** @param adminPaths the requests that need the admin scope (the actuator, the status page's data) */
    public BearerChallenge(ResourceMetadata metadata, List<String> requiredScopes, String adminScope,
                           RequestMatcher adminPaths) {
        this.metadata = metadata;
        this.requiredScopes = requiredScopes;
        this.adminScope = adminScope;
        this.adminPaths = adminPaths;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
            throws IOException {
        StringBuilder challenge = new StringBuilder("Bearer resource_metadata=\"").append(metadata.url(request)).append('"');
        String scope = String.join(" ", scopesFor(request, true));
        if (!scope.isEmpty()) {
            challenge.append(", scope=\"").append(scope).append('"');
        }
        String detail = "Unauthorized: a bearer token or API key is required";
        if (failure instanceof OAuth2AuthenticationException oauth) {
            OAuth2Error error = oauth.getError();
            String description = error.getDescription() == null ? "the token is not valid here" : error.getDescription();
            challenge.append(", error=\"").append(quoted(error.getErrorCode())).append('"')
                    .append(", error_description=\"").append(quoted(description)).append('"');
            detail = "Unauthorized: " + description;
        }
        write(request, response, 401, challenge.toString(), detail);
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
            throws IOException {
        String scope = String.join(" ", scopesFor(request, false));
        String challenge = "Bearer error=\"insufficient_scope\", scope=\"" + scope + "\", resource_metadata=\""
                + metadata.url(request) + "\", error_description=\"this request needs the scope(s): " + scope + "\"";
        write(request, response, 403, challenge, "Forbidden: insufficient scope; this request needs " + scope);
    }

    /** The scopes a request to this path needs: the admin scope on the admin paths, the required ones on /mcp. */
    private List<String> scopesFor(HttpServletRequest request, boolean challenge) {
        if (adminPaths.matches(request)) {
            return List.of(adminScope);
        }
        return requiredScopes.isEmpty() && challenge ? metadata.scopesSupported() : requiredScopes;
    }

    private static void write(HttpServletRequest request, HttpServletResponse response, int status, String challenge,
                              String detail) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.setStatus(status);
        response.setHeader("WWW-Authenticate", challenge);
        String uri = request.getRequestURI();
        boolean mcp = uri.equals(request.getContextPath() + "/mcp") || uri.startsWith(request.getContextPath() + "/v/");
        String body = mcp
                ? "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":" + ErrorCodes.TRANSPORT_ERROR + ",\"message\":\""
                        + json(detail) + "\"}}"
                : "{\"type\":\"about:blank\",\"title\":\"" + (status == 401 ? "Unauthorized" : "Forbidden")
                        + "\",\"status\":" + status + ",\"detail\":\"" + json(detail) + "\"}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setContentType(mcp ? "application/json" : "application/problem+json");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    /** A quoted-string value (RFC 9110): no quotes or backslashes, printable ASCII only. */
    private static String quoted(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length() && out.length() < 300; i++) {
            char c = s.charAt(i);
            out.append(c == '"' || c == '\\' || c < 0x20 || c > 0x7e ? '\'' : c);
        }
        return out.toString();
    }

    private static String json(String s) {
        return quoted(s); // the same safe subset needs no JSON escaping
    }
}
